// Original file: protos/taskplane/v1/agent_service.proto

import type { AgentCapability as _taskplane_v1_AgentCapability, AgentCapability__Output as _taskplane_v1_AgentCapability__Output } from '../../taskplane/v1/AgentCapability';

export interface AgentHello {
  'agentVersion'?: (string);
  'capabilities'?: (_taskplane_v1_AgentCapability)[];
  'concurrency'?: (number);
}

export interface AgentHello__Output {
  'agentVersion': (string);
  'capabilities': (_taskplane_v1_AgentCapability__Output)[];
  'concurrency': (number);
}
