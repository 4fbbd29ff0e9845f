// Original file: protos/taskplane/v1/agent_service.proto

import type { AgentHello as _taskplane_v1_AgentHello, AgentHello__Output as _taskplane_v1_AgentHello__Output } from '../../taskplane/v1/AgentHello';
import type { TaskAccepted as _taskplane_v1_TaskAccepted, TaskAccepted__Output as _taskplane_v1_TaskAccepted__Output } from '../../taskplane/v1/TaskAccepted';
import type { TaskProgressReport as _taskplane_v1_TaskProgressReport, TaskProgressReport__Output as _taskplane_v1_TaskProgressReport__Output } from '../../taskplane/v1/TaskProgressReport';
import type { TaskReply as _taskplane_v1_TaskReply, TaskReply__Output as _taskplane_v1_TaskReply__Output } from '../../taskplane/v1/TaskReply';
import type { Heartbeat as _taskplane_v1_Heartbeat, Heartbeat__Output as _taskplane_v1_Heartbeat__Output } from '../../taskplane/v1/Heartbeat';

export interface ConnectRequest {
  'hello'?: (_taskplane_v1_AgentHello | null);
  'accepted'?: (_taskplane_v1_TaskAccepted | null);
  'progress'?: (_taskplane_v1_TaskProgressReport | null);
  'reply'?: (_taskplane_v1_TaskReply | null);
  'heartbeat'?: (_taskplane_v1_Heartbeat | null);
  'message'?: "hello"|"accepted"|"progress"|"reply"|"heartbeat";
}

export interface ConnectRequest__Output {
  'hello'?: (_taskplane_v1_AgentHello__Output | null);
  'accepted'?: (_taskplane_v1_TaskAccepted__Output | null);
  'progress'?: (_taskplane_v1_TaskProgressReport__Output | null);
  'reply'?: (_taskplane_v1_TaskReply__Output | null);
  'heartbeat'?: (_taskplane_v1_Heartbeat__Output | null);
  'message'?: "hello"|"accepted"|"progress"|"reply"|"heartbeat";
}
