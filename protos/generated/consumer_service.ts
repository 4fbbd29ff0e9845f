import type * as grpc from '@grpc/grpc-js';
import type { MessageTypeDefinition } from '@grpc/proto-loader';

import type { Duration as _google_protobuf_Duration, Duration__Output as _google_protobuf_Duration__Output } from './google/protobuf/Duration';
import type { Timestamp as _google_protobuf_Timestamp, Timestamp__Output as _google_protobuf_Timestamp__Output } from './google/protobuf/Timestamp';
import type { Consumer as _taskplane_v1_Consumer, Consumer__Output as _taskplane_v1_Consumer__Output } from './taskplane/v1/Consumer';
import type { ConsumerServiceClient as _taskplane_v1_ConsumerServiceClient, ConsumerServiceDefinition as _taskplane_v1_ConsumerServiceDefinition } from './taskplane/v1/ConsumerService';
import type { DeleteConsumerRequest as _taskplane_v1_DeleteConsumerRequest, DeleteConsumerRequest__Output as _taskplane_v1_DeleteConsumerRequest__Output } from './taskplane/v1/DeleteConsumerRequest';
import type { DeleteConsumerResponse as _taskplane_v1_DeleteConsumerResponse, DeleteConsumerResponse__Output as _taskplane_v1_DeleteConsumerResponse__Output } from './taskplane/v1/DeleteConsumerResponse';
import type { GetConsumerRequest as _taskplane_v1_GetConsumerRequest, GetConsumerRequest__Output as _taskplane_v1_GetConsumerRequest__Output } from './taskplane/v1/GetConsumerRequest';
import type { GetConsumerResponse as _taskplane_v1_GetConsumerResponse, GetConsumerResponse__Output as _taskplane_v1_GetConsumerResponse__Output } from './taskplane/v1/GetConsumerResponse';
import type { HistoryEvent as _taskplane_v1_HistoryEvent, HistoryEvent__Output as _taskplane_v1_HistoryEvent__Output } from './taskplane/v1/HistoryEvent';
import type { ListConsumerHistoryRequest as _taskplane_v1_ListConsumerHistoryRequest, ListConsumerHistoryRequest__Output as _taskplane_v1_ListConsumerHistoryRequest__Output } from './taskplane/v1/ListConsumerHistoryRequest';
import type { ListConsumerHistoryResponse as _taskplane_v1_ListConsumerHistoryResponse, ListConsumerHistoryResponse__Output as _taskplane_v1_ListConsumerHistoryResponse__Output } from './taskplane/v1/ListConsumerHistoryResponse';
import type { ListConsumersRequest as _taskplane_v1_ListConsumersRequest, ListConsumersRequest__Output as _taskplane_v1_ListConsumersRequest__Output } from './taskplane/v1/ListConsumersRequest';
import type { ListConsumersResponse as _taskplane_v1_ListConsumersResponse, ListConsumersResponse__Output as _taskplane_v1_ListConsumersResponse__Output } from './taskplane/v1/ListConsumersResponse';
import type { RegisterConsumerRequest as _taskplane_v1_RegisterConsumerRequest, RegisterConsumerRequest__Output as _taskplane_v1_RegisterConsumerRequest__Output } from './taskplane/v1/RegisterConsumerRequest';
import type { RegisterConsumerResponse as _taskplane_v1_RegisterConsumerResponse, RegisterConsumerResponse__Output as _taskplane_v1_RegisterConsumerResponse__Output } from './taskplane/v1/RegisterConsumerResponse';
import type { RevokeConsumerCredentialRequest as _taskplane_v1_RevokeConsumerCredentialRequest, RevokeConsumerCredentialRequest__Output as _taskplane_v1_RevokeConsumerCredentialRequest__Output } from './taskplane/v1/RevokeConsumerCredentialRequest';
import type { RevokeConsumerCredentialResponse as _taskplane_v1_RevokeConsumerCredentialResponse, RevokeConsumerCredentialResponse__Output as _taskplane_v1_RevokeConsumerCredentialResponse__Output } from './taskplane/v1/RevokeConsumerCredentialResponse';
import type { RotateConsumerCredentialRequest as _taskplane_v1_RotateConsumerCredentialRequest, RotateConsumerCredentialRequest__Output as _taskplane_v1_RotateConsumerCredentialRequest__Output } from './taskplane/v1/RotateConsumerCredentialRequest';
import type { RotateConsumerCredentialResponse as _taskplane_v1_RotateConsumerCredentialResponse, RotateConsumerCredentialResponse__Output as _taskplane_v1_RotateConsumerCredentialResponse__Output } from './taskplane/v1/RotateConsumerCredentialResponse';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  google: {
    protobuf: {
      Duration: MessageTypeDefinition<_google_protobuf_Duration, _google_protobuf_Duration__Output>
      Timestamp: MessageTypeDefinition<_google_protobuf_Timestamp, _google_protobuf_Timestamp__Output>
    }
  }
  taskplane: {
    v1: {
      Consumer: MessageTypeDefinition<_taskplane_v1_Consumer, _taskplane_v1_Consumer__Output>
      ConsumerService: SubtypeConstructor<typeof grpc.Client, _taskplane_v1_ConsumerServiceClient> & { service: _taskplane_v1_ConsumerServiceDefinition }
      DeleteConsumerRequest: MessageTypeDefinition<_taskplane_v1_DeleteConsumerRequest, _taskplane_v1_DeleteConsumerRequest__Output>
      DeleteConsumerResponse: MessageTypeDefinition<_taskplane_v1_DeleteConsumerResponse, _taskplane_v1_DeleteConsumerResponse__Output>
      GetConsumerRequest: MessageTypeDefinition<_taskplane_v1_GetConsumerRequest, _taskplane_v1_GetConsumerRequest__Output>
      GetConsumerResponse: MessageTypeDefinition<_taskplane_v1_GetConsumerResponse, _taskplane_v1_GetConsumerResponse__Output>
      HistoryEvent: MessageTypeDefinition<_taskplane_v1_HistoryEvent, _taskplane_v1_HistoryEvent__Output>
      ListConsumerHistoryRequest: MessageTypeDefinition<_taskplane_v1_ListConsumerHistoryRequest, _taskplane_v1_ListConsumerHistoryRequest__Output>
      ListConsumerHistoryResponse: MessageTypeDefinition<_taskplane_v1_ListConsumerHistoryResponse, _taskplane_v1_ListConsumerHistoryResponse__Output>
      ListConsumersRequest: MessageTypeDefinition<_taskplane_v1_ListConsumersRequest, _taskplane_v1_ListConsumersRequest__Output>
      ListConsumersResponse: MessageTypeDefinition<_taskplane_v1_ListConsumersResponse, _taskplane_v1_ListConsumersResponse__Output>
      RegisterConsumerRequest: MessageTypeDefinition<_taskplane_v1_RegisterConsumerRequest, _taskplane_v1_RegisterConsumerRequest__Output>
      RegisterConsumerResponse: MessageTypeDefinition<_taskplane_v1_RegisterConsumerResponse, _taskplane_v1_RegisterConsumerResponse__Output>
      RevokeConsumerCredentialRequest: MessageTypeDefinition<_taskplane_v1_RevokeConsumerCredentialRequest, _taskplane_v1_RevokeConsumerCredentialRequest__Output>
      RevokeConsumerCredentialResponse: MessageTypeDefinition<_taskplane_v1_RevokeConsumerCredentialResponse, _taskplane_v1_RevokeConsumerCredentialResponse__Output>
      RotateConsumerCredentialRequest: MessageTypeDefinition<_taskplane_v1_RotateConsumerCredentialRequest, _taskplane_v1_RotateConsumerCredentialRequest__Output>
      RotateConsumerCredentialResponse: MessageTypeDefinition<_taskplane_v1_RotateConsumerCredentialResponse, _taskplane_v1_RotateConsumerCredentialResponse__Output>
    }
  }
}

