// Original file: protos/taskplane/v1/cluster_service.proto


export interface WakeResponse {
}

export interface WakeResponse__Output {
}
