// Original file: protos/taskplane/v1/agent_service.proto


export interface AgentCapability {
  'className'?: (string);
  'methods'?: (string)[];
}

export interface AgentCapability__Output {
  'className': (string);
  'methods': (string)[];
}
