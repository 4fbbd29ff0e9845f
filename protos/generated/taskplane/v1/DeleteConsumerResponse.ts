// Original file: protos/taskplane/v1/consumer_service.proto


export interface DeleteConsumerResponse {
}

export interface DeleteConsumerResponse__Output {
}
