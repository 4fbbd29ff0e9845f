// Original file: protos/taskplane/v1/schedule_service.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { BackfillScheduleRequest as _taskplane_v1_BackfillScheduleRequest, BackfillScheduleRequest__Output as _taskplane_v1_BackfillScheduleRequest__Output } from '../../taskplane/v1/BackfillScheduleRequest';
import type { BackfillScheduleResponse as _taskplane_v1_BackfillScheduleResponse, BackfillScheduleResponse__Output as _taskplane_v1_BackfillScheduleResponse__Output } from '../../taskplane/v1/BackfillScheduleResponse';
import type { CreateScheduleRequest as _taskplane_v1_CreateScheduleRequest, CreateScheduleRequest__Output as _taskplane_v1_CreateScheduleRequest__Output } from '../../taskplane/v1/CreateScheduleRequest';
import type { CreateScheduleResponse as _taskplane_v1_CreateScheduleResponse, CreateScheduleResponse__Output as _taskplane_v1_CreateScheduleResponse__Output } from '../../taskplane/v1/CreateScheduleResponse';
import type { DeleteScheduleRequest as _taskplane_v1_DeleteScheduleRequest, DeleteScheduleRequest__Output as _taskplane_v1_DeleteScheduleRequest__Output } from '../../taskplane/v1/DeleteScheduleRequest';
import type { DeleteScheduleResponse as _taskplane_v1_DeleteScheduleResponse, DeleteScheduleResponse__Output as _taskplane_v1_DeleteScheduleResponse__Output } from '../../taskplane/v1/DeleteScheduleResponse';
import type { GetScheduleRequest as _taskplane_v1_GetScheduleRequest, GetScheduleRequest__Output as _taskplane_v1_GetScheduleRequest__Output } from '../../taskplane/v1/GetScheduleRequest';
import type { GetScheduleResponse as _taskplane_v1_GetScheduleResponse, GetScheduleResponse__Output as _taskplane_v1_GetScheduleResponse__Output } from '../../taskplane/v1/GetScheduleResponse';
import type { ListScheduleFiresRequest as _taskplane_v1_ListScheduleFiresRequest, ListScheduleFiresRequest__Output as _taskplane_v1_ListScheduleFiresRequest__Output } from '../../taskplane/v1/ListScheduleFiresRequest';
import type { ListScheduleFiresResponse as _taskplane_v1_ListScheduleFiresResponse, ListScheduleFiresResponse__Output as _taskplane_v1_ListScheduleFiresResponse__Output } from '../../taskplane/v1/ListScheduleFiresResponse';
import type { ListSchedulesRequest as _taskplane_v1_ListSchedulesRequest, ListSchedulesRequest__Output as _taskplane_v1_ListSchedulesRequest__Output } from '../../taskplane/v1/ListSchedulesRequest';
import type { ListSchedulesResponse as _taskplane_v1_ListSchedulesResponse, ListSchedulesResponse__Output as _taskplane_v1_ListSchedulesResponse__Output } from '../../taskplane/v1/ListSchedulesResponse';
import type { PauseScheduleRequest as _taskplane_v1_PauseScheduleRequest, PauseScheduleRequest__Output as _taskplane_v1_PauseScheduleRequest__Output } from '../../taskplane/v1/PauseScheduleRequest';
import type { PauseScheduleResponse as _taskplane_v1_PauseScheduleResponse, PauseScheduleResponse__Output as _taskplane_v1_PauseScheduleResponse__Output } from '../../taskplane/v1/PauseScheduleResponse';
import type { PreviewScheduleRequest as _taskplane_v1_PreviewScheduleRequest, PreviewScheduleRequest__Output as _taskplane_v1_PreviewScheduleRequest__Output } from '../../taskplane/v1/PreviewScheduleRequest';
import type { PreviewScheduleResponse as _taskplane_v1_PreviewScheduleResponse, PreviewScheduleResponse__Output as _taskplane_v1_PreviewScheduleResponse__Output } from '../../taskplane/v1/PreviewScheduleResponse';
import type { ResumeScheduleRequest as _taskplane_v1_ResumeScheduleRequest, ResumeScheduleRequest__Output as _taskplane_v1_ResumeScheduleRequest__Output } from '../../taskplane/v1/ResumeScheduleRequest';
import type { ResumeScheduleResponse as _taskplane_v1_ResumeScheduleResponse, ResumeScheduleResponse__Output as _taskplane_v1_ResumeScheduleResponse__Output } from '../../taskplane/v1/ResumeScheduleResponse';
import type { TriggerScheduleRequest as _taskplane_v1_TriggerScheduleRequest, TriggerScheduleRequest__Output as _taskplane_v1_TriggerScheduleRequest__Output } from '../../taskplane/v1/TriggerScheduleRequest';
import type { TriggerScheduleResponse as _taskplane_v1_TriggerScheduleResponse, TriggerScheduleResponse__Output as _taskplane_v1_TriggerScheduleResponse__Output } from '../../taskplane/v1/TriggerScheduleResponse';
import type { UpdateScheduleRequest as _taskplane_v1_UpdateScheduleRequest, UpdateScheduleRequest__Output as _taskplane_v1_UpdateScheduleRequest__Output } from '../../taskplane/v1/UpdateScheduleRequest';
import type { UpdateScheduleResponse as _taskplane_v1_UpdateScheduleResponse, UpdateScheduleResponse__Output as _taskplane_v1_UpdateScheduleResponse__Output } from '../../taskplane/v1/UpdateScheduleResponse';

export interface ScheduleServiceClient extends grpc.Client {
  BackfillSchedule(argument: _taskplane_v1_BackfillScheduleRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_taskplane_v1_BackfillScheduleResponse__Output>): grpc.ClientUnaryCall;
  BackfillSchedule(argument: _taskplane_v1_BackfillScheduleRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_taskplane_v1_BackfillScheduleResponse__Output>): grpc.ClientUnaryCall;
  BackfillSchedule(argument: _taskplane_v1_BackfillScheduleRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_taskplane_v1_BackfillScheduleResponse__Output>): grpc.ClientUnaryCall;
  BackfillSchedule(argument: _taskplane_v1_BackfillScheduleRequest, callback: grpc.requestCallback<_taskplane_v1_BackfillScheduleResponse__Output>): grpc.ClientUnaryCall;
  backfillSchedule(argument: _taskplane_v1_BackfillScheduleRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_taskplane_v1_BackfillScheduleResponse__Output>): grpc.ClientUnaryCall;
  backfillSchedule(argument: _taskplane_v1_BackfillScheduleRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_taskplane_v1_BackfillScheduleResponse__Output>): grpc.ClientUnaryCall;
  backfillSchedule(argument: _taskplane_v1_BackfillScheduleRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_taskplane_v1_BackfillScheduleResponse__Output>): grpc.ClientUnaryCall;
  backfillSchedule(argument: _taskplane_v1_BackfillScheduleRequest, callback: grpc.requestCallback<_taskplane_v1_BackfillScheduleResponse__Output>): grpc.ClientUnaryCall;
  
  CreateSchedule(argument: _taskplane_v1_CreateScheduleRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_taskplane_v1_CreateScheduleResponse__Output>): grpc.ClientUnaryCall;
  CreateSchedule(argument: _taskplane_v1_CreateScheduleRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_taskplane_v1_CreateScheduleResponse__Output>): grpc.ClientUnaryCall;
  CreateSchedule(argument: _taskplane_v1_CreateScheduleRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_taskplane_v1_CreateScheduleResponse__Output>): grpc.ClientUnaryCall;
  CreateSchedule(argument: _taskplane_v1_CreateScheduleRequest, callback: grpc.requestCallback<_taskplane_v1_CreateScheduleResponse__Output>): grpc.ClientUnaryCall;
  createSchedule(argument: _taskplane_v1_CreateScheduleRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_taskplane_v1_CreateScheduleResponse__Output>): grpc.ClientUnaryCall;
  createSchedule(argument: _taskplane_v1_CreateScheduleRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_taskplane_v1_CreateScheduleResponse__Output>): grpc.ClientUnaryCall;
  createSchedule(argument: _taskplane_v1_CreateScheduleRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_taskplane_v1_CreateScheduleResponse__Output>): grpc.ClientUnaryCall;
  createSchedule(argument: _taskplane_v1_CreateScheduleRequest, callback: grpc.requestCallback<_taskplane_v1_CreateScheduleResponse__Output>): grpc.ClientUnaryCall;
  
  DeleteSchedule(argument: _taskplane_v1_DeleteScheduleRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_taskplane_v1_DeleteScheduleResponse__Output>): grpc.ClientUnaryCall;
  DeleteSchedule(argument: _taskplane_v1_DeleteScheduleRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_taskplane_v1_DeleteScheduleResponse__Output>): grpc.ClientUnaryCall;
  DeleteSchedule(argument: _taskplane_v1_DeleteScheduleRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_taskplane_v1_DeleteScheduleResponse__Output>): grpc.ClientUnaryCall;
  DeleteSchedule(argument: _taskplane_v1_DeleteScheduleRequest, callback: grpc.requestCallback<_taskplane_v1_DeleteScheduleResponse__Output>): grpc.ClientUnaryCall;
  deleteSchedule(argument: _taskplane_v1_DeleteScheduleRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_taskplane_v1_DeleteScheduleResponse__Output>): grpc.ClientUnaryCall;
  deleteSchedule(argument: _taskplane_v1_DeleteScheduleRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_taskplane_v1_DeleteScheduleResponse__Output>): grpc.ClientUnaryCall;
  deleteSchedule(argument: _taskplane_v1_DeleteScheduleRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_taskplane_v1_DeleteScheduleResponse__Output>): grpc.ClientUnaryCall;
  deleteSchedule(argument: _taskplane_v1_DeleteScheduleRequest, callback: grpc.requestCallback<_taskplane_v1_DeleteScheduleResponse__Output>): grpc.ClientUnaryCall;
  
  GetSchedule(argument: _taskplane_v1_GetScheduleRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_taskplane_v1_GetScheduleResponse__Output>): grpc.ClientUnaryCall;
  GetSchedule(argument: _taskplane_v1_GetScheduleRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_taskplane_v1_GetScheduleResponse__Output>): grpc.ClientUnaryCall;
  GetSchedule(argument: _taskplane_v1_GetScheduleRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_taskplane_v1_GetScheduleResponse__Output>): grpc.ClientUnaryCall;
  GetSchedule(argument: _taskplane_v1_GetScheduleRequest, callback: grpc.requestCallback<_taskplane_v1_GetScheduleResponse__Output>): grpc.ClientUnaryCall;
  getSchedule(argument: _taskplane_v1_GetScheduleRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_taskplane_v1_GetScheduleResponse__Output>): grpc.ClientUnaryCall;
  getSchedule(argument: _taskplane_v1_GetScheduleRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_taskplane_v1_GetScheduleResponse__Output>): grpc.ClientUnaryCall;
  getSchedule(argument: _taskplane_v1_GetScheduleRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_taskplane_v1_GetScheduleResponse__Output>): grpc.ClientUnaryCall;
  getSchedule(argument: _taskplane_v1_GetScheduleRequest, callback: grpc.requestCallback<_taskplane_v1_GetScheduleResponse__Output>): grpc.ClientUnaryCall;
  
  ListScheduleFires(argument: _taskplane_v1_ListScheduleFiresRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_taskplane_v1_ListScheduleFiresResponse__Output>): grpc.ClientUnaryCall;
  ListScheduleFires(argument: _taskplane_v1_ListScheduleFiresRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_taskplane_v1_ListScheduleFiresResponse__Output>): grpc.ClientUnaryCall;
  ListScheduleFires(argument: _taskplane_v1_ListScheduleFiresRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_taskplane_v1_ListScheduleFiresResponse__Output>): grpc.ClientUnaryCall;
  ListScheduleFires(argument: _taskplane_v1_ListScheduleFiresRequest, callback: grpc.requestCallback<_taskplane_v1_ListScheduleFiresResponse__Output>): grpc.ClientUnaryCall;
  listScheduleFires(argument: _taskplane_v1_ListScheduleFiresRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_taskplane_v1_ListScheduleFiresResponse__Output>): grpc.ClientUnaryCall;
  listScheduleFires(argument: _taskplane_v1_ListScheduleFiresRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_taskplane_v1_ListScheduleFiresResponse__Output>): grpc.ClientUnaryCall;
  listScheduleFires(argument: _taskplane_v1_ListScheduleFiresRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_taskplane_v1_ListScheduleFiresResponse__Output>): grpc.ClientUnaryCall;
  listScheduleFires(argument: _taskplane_v1_ListScheduleFiresRequest, callback: grpc.requestCallback<_taskplane_v1_ListScheduleFiresResponse__Output>): grpc.ClientUnaryCall;
  
  ListSchedules(argument: _taskplane_v1_ListSchedulesRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_taskplane_v1_ListSchedulesResponse__Output>): grpc.ClientUnaryCall;
  ListSchedules(argument: _taskplane_v1_ListSchedulesRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_taskplane_v1_ListSchedulesResponse__Output>): grpc.ClientUnaryCall;
  ListSchedules(argument: _taskplane_v1_ListSchedulesRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_taskplane_v1_ListSchedulesResponse__Output>): grpc.ClientUnaryCall;
  ListSchedules(argument: _taskplane_v1_ListSchedulesRequest, callback: grpc.requestCallback<_taskplane_v1_ListSchedulesResponse__Output>): grpc.ClientUnaryCall;
  listSchedules(argument: _taskplane_v1_ListSchedulesRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_taskplane_v1_ListSchedulesResponse__Output>): grpc.ClientUnaryCall;
  listSchedules(argument: _taskplane_v1_ListSchedulesRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_taskplane_v1_ListSchedulesResponse__Output>): grpc.ClientUnaryCall;
  listSchedules(argument: _taskplane_v1_ListSchedulesRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_taskplane_v1_ListSchedulesResponse__Output>): grpc.ClientUnaryCall;
  listSchedules(argument: _taskplane_v1_ListSchedulesRequest, callback: grpc.requestCallback<_taskplane_v1_ListSchedulesResponse__Output>): grpc.ClientUnaryCall;
  
  PauseSchedule(argument: _taskplane_v1_PauseScheduleRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_taskplane_v1_PauseScheduleResponse__Output>): grpc.ClientUnaryCall;
  PauseSchedule(argument: _taskplane_v1_PauseScheduleRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_taskplane_v1_PauseScheduleResponse__Output>): grpc.ClientUnaryCall;
  PauseSchedule(argument: _taskplane_v1_PauseScheduleRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_taskplane_v1_PauseScheduleResponse__Output>): grpc.ClientUnaryCall;
  PauseSchedule(argument: _taskplane_v1_PauseScheduleRequest, callback: grpc.requestCallback<_taskplane_v1_PauseScheduleResponse__Output>): grpc.ClientUnaryCall;
  pauseSchedule(argument: _taskplane_v1_PauseScheduleRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_taskplane_v1_PauseScheduleResponse__Output>): grpc.ClientUnaryCall;
  pauseSchedule(argument: _taskplane_v1_PauseScheduleRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_taskplane_v1_PauseScheduleResponse__Output>): grpc.ClientUnaryCall;
  pauseSchedule(argument: _taskplane_v1_PauseScheduleRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_taskplane_v1_PauseScheduleResponse__Output>): grpc.ClientUnaryCall;
  pauseSchedule(argument: _taskplane_v1_PauseScheduleRequest, callback: grpc.requestCallback<_taskplane_v1_PauseScheduleResponse__Output>): grpc.ClientUnaryCall;
  
  PreviewSchedule(argument: _taskplane_v1_PreviewScheduleRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_taskplane_v1_PreviewScheduleResponse__Output>): grpc.ClientUnaryCall;
  PreviewSchedule(argument: _taskplane_v1_PreviewScheduleRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_taskplane_v1_PreviewScheduleResponse__Output>): grpc.ClientUnaryCall;
  PreviewSchedule(argument: _taskplane_v1_PreviewScheduleRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_taskplane_v1_PreviewScheduleResponse__Output>): grpc.ClientUnaryCall;
  PreviewSchedule(argument: _taskplane_v1_PreviewScheduleRequest, callback: grpc.requestCallback<_taskplane_v1_PreviewScheduleResponse__Output>): grpc.ClientUnaryCall;
  previewSchedule(argument: _taskplane_v1_PreviewScheduleRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_taskplane_v1_PreviewScheduleResponse__Output>): grpc.ClientUnaryCall;
  previewSchedule(argument: _taskplane_v1_PreviewScheduleRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_taskplane_v1_PreviewScheduleResponse__Output>): grpc.ClientUnaryCall;
  previewSchedule(argument: _taskplane_v1_PreviewScheduleRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_taskplane_v1_PreviewScheduleResponse__Output>): grpc.ClientUnaryCall;
  previewSchedule(argument: _taskplane_v1_PreviewScheduleRequest, callback: grpc.requestCallback<_taskplane_v1_PreviewScheduleResponse__Output>): grpc.ClientUnaryCall;
  
  ResumeSchedule(argument: _taskplane_v1_ResumeScheduleRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_taskplane_v1_ResumeScheduleResponse__Output>): grpc.ClientUnaryCall;
  ResumeSchedule(argument: _taskplane_v1_ResumeScheduleRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_taskplane_v1_ResumeScheduleResponse__Output>): grpc.ClientUnaryCall;
  ResumeSchedule(argument: _taskplane_v1_ResumeScheduleRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_taskplane_v1_ResumeScheduleResponse__Output>): grpc.ClientUnaryCall;
  ResumeSchedule(argument: _taskplane_v1_ResumeScheduleRequest, callback: grpc.requestCallback<_taskplane_v1_ResumeScheduleResponse__Output>): grpc.ClientUnaryCall;
  resumeSchedule(argument: _taskplane_v1_ResumeScheduleRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_taskplane_v1_ResumeScheduleResponse__Output>): grpc.ClientUnaryCall;
  resumeSchedule(argument: _taskplane_v1_ResumeScheduleRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_taskplane_v1_ResumeScheduleResponse__Output>): grpc.ClientUnaryCall;
  resumeSchedule(argument: _taskplane_v1_ResumeScheduleRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_taskplane_v1_ResumeScheduleResponse__Output>): grpc.ClientUnaryCall;
  resumeSchedule(argument: _taskplane_v1_ResumeScheduleRequest, callback: grpc.requestCallback<_taskplane_v1_ResumeScheduleResponse__Output>): grpc.ClientUnaryCall;
  
  TriggerSchedule(argument: _taskplane_v1_TriggerScheduleRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_taskplane_v1_TriggerScheduleResponse__Output>): grpc.ClientUnaryCall;
  TriggerSchedule(argument: _taskplane_v1_TriggerScheduleRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_taskplane_v1_TriggerScheduleResponse__Output>): grpc.ClientUnaryCall;
  TriggerSchedule(argument: _taskplane_v1_TriggerScheduleRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_taskplane_v1_TriggerScheduleResponse__Output>): grpc.ClientUnaryCall;
  TriggerSchedule(argument: _taskplane_v1_TriggerScheduleRequest, callback: grpc.requestCallback<_taskplane_v1_TriggerScheduleResponse__Output>): grpc.ClientUnaryCall;
  triggerSchedule(argument: _taskplane_v1_TriggerScheduleRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_taskplane_v1_TriggerScheduleResponse__Output>): grpc.ClientUnaryCall;
  triggerSchedule(argument: _taskplane_v1_TriggerScheduleRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_taskplane_v1_TriggerScheduleResponse__Output>): grpc.ClientUnaryCall;
  triggerSchedule(argument: _taskplane_v1_TriggerScheduleRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_taskplane_v1_TriggerScheduleResponse__Output>): grpc.ClientUnaryCall;
  triggerSchedule(argument: _taskplane_v1_TriggerScheduleRequest, callback: grpc.requestCallback<_taskplane_v1_TriggerScheduleResponse__Output>): grpc.ClientUnaryCall;
  
  UpdateSchedule(argument: _taskplane_v1_UpdateScheduleRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_taskplane_v1_UpdateScheduleResponse__Output>): grpc.ClientUnaryCall;
  UpdateSchedule(argument: _taskplane_v1_UpdateScheduleRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_taskplane_v1_UpdateScheduleResponse__Output>): grpc.ClientUnaryCall;
  UpdateSchedule(argument: _taskplane_v1_UpdateScheduleRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_taskplane_v1_UpdateScheduleResponse__Output>): grpc.ClientUnaryCall;
  UpdateSchedule(argument: _taskplane_v1_UpdateScheduleRequest, callback: grpc.requestCallback<_taskplane_v1_UpdateScheduleResponse__Output>): grpc.ClientUnaryCall;
  updateSchedule(argument: _taskplane_v1_UpdateScheduleRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_taskplane_v1_UpdateScheduleResponse__Output>): grpc.ClientUnaryCall;
  updateSchedule(argument: _taskplane_v1_UpdateScheduleRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_taskplane_v1_UpdateScheduleResponse__Output>): grpc.ClientUnaryCall;
  updateSchedule(argument: _taskplane_v1_UpdateScheduleRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_taskplane_v1_UpdateScheduleResponse__Output>): grpc.ClientUnaryCall;
  updateSchedule(argument: _taskplane_v1_UpdateScheduleRequest, callback: grpc.requestCallback<_taskplane_v1_UpdateScheduleResponse__Output>): grpc.ClientUnaryCall;
  
}

export interface ScheduleServiceHandlers extends grpc.UntypedServiceImplementation {
  BackfillSchedule: grpc.handleUnaryCall<_taskplane_v1_BackfillScheduleRequest__Output, _taskplane_v1_BackfillScheduleResponse>;
  
  CreateSchedule: grpc.handleUnaryCall<_taskplane_v1_CreateScheduleRequest__Output, _taskplane_v1_CreateScheduleResponse>;
  
  DeleteSchedule: grpc.handleUnaryCall<_taskplane_v1_DeleteScheduleRequest__Output, _taskplane_v1_DeleteScheduleResponse>;
  
  GetSchedule: grpc.handleUnaryCall<_taskplane_v1_GetScheduleRequest__Output, _taskplane_v1_GetScheduleResponse>;
  
  ListScheduleFires: grpc.handleUnaryCall<_taskplane_v1_ListScheduleFiresRequest__Output, _taskplane_v1_ListScheduleFiresResponse>;
  
  ListSchedules: grpc.handleUnaryCall<_taskplane_v1_ListSchedulesRequest__Output, _taskplane_v1_ListSchedulesResponse>;
  
  PauseSchedule: grpc.handleUnaryCall<_taskplane_v1_PauseScheduleRequest__Output, _taskplane_v1_PauseScheduleResponse>;
  
  PreviewSchedule: grpc.handleUnaryCall<_taskplane_v1_PreviewScheduleRequest__Output, _taskplane_v1_PreviewScheduleResponse>;
  
  ResumeSchedule: grpc.handleUnaryCall<_taskplane_v1_ResumeScheduleRequest__Output, _taskplane_v1_ResumeScheduleResponse>;
  
  TriggerSchedule: grpc.handleUnaryCall<_taskplane_v1_TriggerScheduleRequest__Output, _taskplane_v1_TriggerScheduleResponse>;
  
  UpdateSchedule: grpc.handleUnaryCall<_taskplane_v1_UpdateScheduleRequest__Output, _taskplane_v1_UpdateScheduleResponse>;
  
}

export interface ScheduleServiceDefinition extends grpc.ServiceDefinition {
  BackfillSchedule: MethodDefinition<_taskplane_v1_BackfillScheduleRequest, _taskplane_v1_BackfillScheduleResponse, _taskplane_v1_BackfillScheduleRequest__Output, _taskplane_v1_BackfillScheduleResponse__Output>
  CreateSchedule: MethodDefinition<_taskplane_v1_CreateScheduleRequest, _taskplane_v1_CreateScheduleResponse, _taskplane_v1_CreateScheduleRequest__Output, _taskplane_v1_CreateScheduleResponse__Output>
  DeleteSchedule: MethodDefinition<_taskplane_v1_DeleteScheduleRequest, _taskplane_v1_DeleteScheduleResponse, _taskplane_v1_DeleteScheduleRequest__Output, _taskplane_v1_DeleteScheduleResponse__Output>
  GetSchedule: MethodDefinition<_taskplane_v1_GetScheduleRequest, _taskplane_v1_GetScheduleResponse, _taskplane_v1_GetScheduleRequest__Output, _taskplane_v1_GetScheduleResponse__Output>
  ListScheduleFires: MethodDefinition<_taskplane_v1_ListScheduleFiresRequest, _taskplane_v1_ListScheduleFiresResponse, _taskplane_v1_ListScheduleFiresRequest__Output, _taskplane_v1_ListScheduleFiresResponse__Output>
  ListSchedules: MethodDefinition<_taskplane_v1_ListSchedulesRequest, _taskplane_v1_ListSchedulesResponse, _taskplane_v1_ListSchedulesRequest__Output, _taskplane_v1_ListSchedulesResponse__Output>
  PauseSchedule: MethodDefinition<_taskplane_v1_PauseScheduleRequest, _taskplane_v1_PauseScheduleResponse, _taskplane_v1_PauseScheduleRequest__Output, _taskplane_v1_PauseScheduleResponse__Output>
  PreviewSchedule: MethodDefinition<_taskplane_v1_PreviewScheduleRequest, _taskplane_v1_PreviewScheduleResponse, _taskplane_v1_PreviewScheduleRequest__Output, _taskplane_v1_PreviewScheduleResponse__Output>
  ResumeSchedule: MethodDefinition<_taskplane_v1_ResumeScheduleRequest, _taskplane_v1_ResumeScheduleResponse, _taskplane_v1_ResumeScheduleRequest__Output, _taskplane_v1_ResumeScheduleResponse__Output>
  TriggerSchedule: MethodDefinition<_taskplane_v1_TriggerScheduleRequest, _taskplane_v1_TriggerScheduleResponse, _taskplane_v1_TriggerScheduleRequest__Output, _taskplane_v1_TriggerScheduleResponse__Output>
  UpdateSchedule: MethodDefinition<_taskplane_v1_UpdateScheduleRequest, _taskplane_v1_UpdateScheduleResponse, _taskplane_v1_UpdateScheduleRequest__Output, _taskplane_v1_UpdateScheduleResponse__Output>
}
