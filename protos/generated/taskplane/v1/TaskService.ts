// Original file: protos/taskplane/v1/task_service.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { AbortTaskGroupRequest as _taskplane_v1_AbortTaskGroupRequest, AbortTaskGroupRequest__Output as _taskplane_v1_AbortTaskGroupRequest__Output } from '../../taskplane/v1/AbortTaskGroupRequest';
import type { AbortTaskGroupResponse as _taskplane_v1_AbortTaskGroupResponse, AbortTaskGroupResponse__Output as _taskplane_v1_AbortTaskGroupResponse__Output } from '../../taskplane/v1/AbortTaskGroupResponse';
import type { BatchCreateTasksRequest as _taskplane_v1_BatchCreateTasksRequest, BatchCreateTasksRequest__Output as _taskplane_v1_BatchCreateTasksRequest__Output } from '../../taskplane/v1/BatchCreateTasksRequest';
import type { BatchCreateTasksResponse as _taskplane_v1_BatchCreateTasksResponse, BatchCreateTasksResponse__Output as _taskplane_v1_BatchCreateTasksResponse__Output } from '../../taskplane/v1/BatchCreateTasksResponse';
import type { CancelTaskGroupRequest as _taskplane_v1_CancelTaskGroupRequest, CancelTaskGroupRequest__Output as _taskplane_v1_CancelTaskGroupRequest__Output } from '../../taskplane/v1/CancelTaskGroupRequest';
import type { CancelTaskGroupResponse as _taskplane_v1_CancelTaskGroupResponse, CancelTaskGroupResponse__Output as _taskplane_v1_CancelTaskGroupResponse__Output } from '../../taskplane/v1/CancelTaskGroupResponse';
import type { CancelTaskRequest as _taskplane_v1_CancelTaskRequest, CancelTaskRequest__Output as _taskplane_v1_CancelTaskRequest__Output } from '../../taskplane/v1/CancelTaskRequest';
import type { CancelTaskResponse as _taskplane_v1_CancelTaskResponse, CancelTaskResponse__Output as _taskplane_v1_CancelTaskResponse__Output } from '../../taskplane/v1/CancelTaskResponse';
import type { CreateTaskGroupRequest as _taskplane_v1_CreateTaskGroupRequest, CreateTaskGroupRequest__Output as _taskplane_v1_CreateTaskGroupRequest__Output } from '../../taskplane/v1/CreateTaskGroupRequest';
import type { CreateTaskGroupResponse as _taskplane_v1_CreateTaskGroupResponse, CreateTaskGroupResponse__Output as _taskplane_v1_CreateTaskGroupResponse__Output } from '../../taskplane/v1/CreateTaskGroupResponse';
import type { CreateTaskRequest as _taskplane_v1_CreateTaskRequest, CreateTaskRequest__Output as _taskplane_v1_CreateTaskRequest__Output } from '../../taskplane/v1/CreateTaskRequest';
import type { CreateTaskResponse as _taskplane_v1_CreateTaskResponse, CreateTaskResponse__Output as _taskplane_v1_CreateTaskResponse__Output } from '../../taskplane/v1/CreateTaskResponse';
import type { GetTaskGroupRequest as _taskplane_v1_GetTaskGroupRequest, GetTaskGroupRequest__Output as _taskplane_v1_GetTaskGroupRequest__Output } from '../../taskplane/v1/GetTaskGroupRequest';
import type { GetTaskGroupResponse as _taskplane_v1_GetTaskGroupResponse, GetTaskGroupResponse__Output as _taskplane_v1_GetTaskGroupResponse__Output } from '../../taskplane/v1/GetTaskGroupResponse';
import type { GetTaskRequest as _taskplane_v1_GetTaskRequest, GetTaskRequest__Output as _taskplane_v1_GetTaskRequest__Output } from '../../taskplane/v1/GetTaskRequest';
import type { GetTaskResponse as _taskplane_v1_GetTaskResponse, GetTaskResponse__Output as _taskplane_v1_GetTaskResponse__Output } from '../../taskplane/v1/GetTaskResponse';
import type { ListTasksRequest as _taskplane_v1_ListTasksRequest, ListTasksRequest__Output as _taskplane_v1_ListTasksRequest__Output } from '../../taskplane/v1/ListTasksRequest';
import type { ListTasksResponse as _taskplane_v1_ListTasksResponse, ListTasksResponse__Output as _taskplane_v1_ListTasksResponse__Output } from '../../taskplane/v1/ListTasksResponse';
import type { ResumeTaskGroupRequest as _taskplane_v1_ResumeTaskGroupRequest, ResumeTaskGroupRequest__Output as _taskplane_v1_ResumeTaskGroupRequest__Output } from '../../taskplane/v1/ResumeTaskGroupRequest';
import type { ResumeTaskGroupResponse as _taskplane_v1_ResumeTaskGroupResponse, ResumeTaskGroupResponse__Output as _taskplane_v1_ResumeTaskGroupResponse__Output } from '../../taskplane/v1/ResumeTaskGroupResponse';
import type { WatchTaskGroupRequest as _taskplane_v1_WatchTaskGroupRequest, WatchTaskGroupRequest__Output as _taskplane_v1_WatchTaskGroupRequest__Output } from '../../taskplane/v1/WatchTaskGroupRequest';
import type { WatchTaskGroupResponse as _taskplane_v1_WatchTaskGroupResponse, WatchTaskGroupResponse__Output as _taskplane_v1_WatchTaskGroupResponse__Output } from '../../taskplane/v1/WatchTaskGroupResponse';
import type { WatchTaskRequest as _taskplane_v1_WatchTaskRequest, WatchTaskRequest__Output as _taskplane_v1_WatchTaskRequest__Output } from '../../taskplane/v1/WatchTaskRequest';
import type { WatchTaskResponse as _taskplane_v1_WatchTaskResponse, WatchTaskResponse__Output as _taskplane_v1_WatchTaskResponse__Output } from '../../taskplane/v1/WatchTaskResponse';

export interface TaskServiceClient extends grpc.Client {
  AbortTaskGroup(argument: _taskplane_v1_AbortTaskGroupRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_taskplane_v1_AbortTaskGroupResponse__Output>): grpc.ClientUnaryCall;
  AbortTaskGroup(argument: _taskplane_v1_AbortTaskGroupRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_taskplane_v1_AbortTaskGroupResponse__Output>): grpc.ClientUnaryCall;
  AbortTaskGroup(argument: _taskplane_v1_AbortTaskGroupRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_taskplane_v1_AbortTaskGroupResponse__Output>): grpc.ClientUnaryCall;
  AbortTaskGroup(argument: _taskplane_v1_AbortTaskGroupRequest, callback: grpc.requestCallback<_taskplane_v1_AbortTaskGroupResponse__Output>): grpc.ClientUnaryCall;
  abortTaskGroup(argument: _taskplane_v1_AbortTaskGroupRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_taskplane_v1_AbortTaskGroupResponse__Output>): grpc.ClientUnaryCall;
  abortTaskGroup(argument: _taskplane_v1_AbortTaskGroupRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_taskplane_v1_AbortTaskGroupResponse__Output>): grpc.ClientUnaryCall;
  abortTaskGroup(argument: _taskplane_v1_AbortTaskGroupRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_taskplane_v1_AbortTaskGroupResponse__Output>): grpc.ClientUnaryCall;
  abortTaskGroup(argument: _taskplane_v1_AbortTaskGroupRequest, callback: grpc.requestCallback<_taskplane_v1_AbortTaskGroupResponse__Output>): grpc.ClientUnaryCall;
  
  BatchCreateTasks(argument: _taskplane_v1_BatchCreateTasksRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_taskplane_v1_BatchCreateTasksResponse__Output>): grpc.ClientUnaryCall;
  BatchCreateTasks(argument: _taskplane_v1_BatchCreateTasksRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_taskplane_v1_BatchCreateTasksResponse__Output>): grpc.ClientUnaryCall;
  BatchCreateTasks(argument: _taskplane_v1_BatchCreateTasksRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_taskplane_v1_BatchCreateTasksResponse__Output>): grpc.ClientUnaryCall;
  BatchCreateTasks(argument: _taskplane_v1_BatchCreateTasksRequest, callback: grpc.requestCallback<_taskplane_v1_BatchCreateTasksResponse__Output>): grpc.ClientUnaryCall;
  batchCreateTasks(argument: _taskplane_v1_BatchCreateTasksRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_taskplane_v1_BatchCreateTasksResponse__Output>): grpc.ClientUnaryCall;
  batchCreateTasks(argument: _taskplane_v1_BatchCreateTasksRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_taskplane_v1_BatchCreateTasksResponse__Output>): grpc.ClientUnaryCall;
  batchCreateTasks(argument: _taskplane_v1_BatchCreateTasksRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_taskplane_v1_BatchCreateTasksResponse__Output>): grpc.ClientUnaryCall;
  batchCreateTasks(argument: _taskplane_v1_BatchCreateTasksRequest, callback: grpc.requestCallback<_taskplane_v1_BatchCreateTasksResponse__Output>): grpc.ClientUnaryCall;
  
  CancelTask(argument: _taskplane_v1_CancelTaskRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_taskplane_v1_CancelTaskResponse__Output>): grpc.ClientUnaryCall;
  CancelTask(argument: _taskplane_v1_CancelTaskRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_taskplane_v1_CancelTaskResponse__Output>): grpc.ClientUnaryCall;
  CancelTask(argument: _taskplane_v1_CancelTaskRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_taskplane_v1_CancelTaskResponse__Output>): grpc.ClientUnaryCall;
  CancelTask(argument: _taskplane_v1_CancelTaskRequest, callback: grpc.requestCallback<_taskplane_v1_CancelTaskResponse__Output>): grpc.ClientUnaryCall;
  cancelTask(argument: _taskplane_v1_CancelTaskRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_taskplane_v1_CancelTaskResponse__Output>): grpc.ClientUnaryCall;
  cancelTask(argument: _taskplane_v1_CancelTaskRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_taskplane_v1_CancelTaskResponse__Output>): grpc.ClientUnaryCall;
  cancelTask(argument: _taskplane_v1_CancelTaskRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_taskplane_v1_CancelTaskResponse__Output>): grpc.ClientUnaryCall;
  cancelTask(argument: _taskplane_v1_CancelTaskRequest, callback: grpc.requestCallback<_taskplane_v1_CancelTaskResponse__Output>): grpc.ClientUnaryCall;
  
  CancelTaskGroup(argument: _taskplane_v1_CancelTaskGroupRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_taskplane_v1_CancelTaskGroupResponse__Output>): grpc.ClientUnaryCall;
  CancelTaskGroup(argument: _taskplane_v1_CancelTaskGroupRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_taskplane_v1_CancelTaskGroupResponse__Output>): grpc.ClientUnaryCall;
  CancelTaskGroup(argument: _taskplane_v1_CancelTaskGroupRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_taskplane_v1_CancelTaskGroupResponse__Output>): grpc.ClientUnaryCall;
  CancelTaskGroup(argument: _taskplane_v1_CancelTaskGroupRequest, callback: grpc.requestCallback<_taskplane_v1_CancelTaskGroupResponse__Output>): grpc.ClientUnaryCall;
  cancelTaskGroup(argument: _taskplane_v1_CancelTaskGroupRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_taskplane_v1_CancelTaskGroupResponse__Output>): grpc.ClientUnaryCall;
  cancelTaskGroup(argument: _taskplane_v1_CancelTaskGroupRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_taskplane_v1_CancelTaskGroupResponse__Output>): grpc.ClientUnaryCall;
  cancelTaskGroup(argument: _taskplane_v1_CancelTaskGroupRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_taskplane_v1_CancelTaskGroupResponse__Output>): grpc.ClientUnaryCall;
  cancelTaskGroup(argument: _taskplane_v1_CancelTaskGroupRequest, callback: grpc.requestCallback<_taskplane_v1_CancelTaskGroupResponse__Output>): grpc.ClientUnaryCall;
  
  CreateTask(argument: _taskplane_v1_CreateTaskRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_taskplane_v1_CreateTaskResponse__Output>): grpc.ClientUnaryCall;
  CreateTask(argument: _taskplane_v1_CreateTaskRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_taskplane_v1_CreateTaskResponse__Output>): grpc.ClientUnaryCall;
  CreateTask(argument: _taskplane_v1_CreateTaskRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_taskplane_v1_CreateTaskResponse__Output>): grpc.ClientUnaryCall;
  CreateTask(argument: _taskplane_v1_CreateTaskRequest, callback: grpc.requestCallback<_taskplane_v1_CreateTaskResponse__Output>): grpc.ClientUnaryCall;
  createTask(argument: _taskplane_v1_CreateTaskRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_taskplane_v1_CreateTaskResponse__Output>): grpc.ClientUnaryCall;
  createTask(argument: _taskplane_v1_CreateTaskRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_taskplane_v1_CreateTaskResponse__Output>): grpc.ClientUnaryCall;
  createTask(argument: _taskplane_v1_CreateTaskRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_taskplane_v1_CreateTaskResponse__Output>): grpc.ClientUnaryCall;
  createTask(argument: _taskplane_v1_CreateTaskRequest, callback: grpc.requestCallback<_taskplane_v1_CreateTaskResponse__Output>): grpc.ClientUnaryCall;
  
  CreateTaskGroup(argument: _taskplane_v1_CreateTaskGroupRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_taskplane_v1_CreateTaskGroupResponse__Output>): grpc.ClientUnaryCall;
  CreateTaskGroup(argument: _taskplane_v1_CreateTaskGroupRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_taskplane_v1_CreateTaskGroupResponse__Output>): grpc.ClientUnaryCall;
  CreateTaskGroup(argument: _taskplane_v1_CreateTaskGroupRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_taskplane_v1_CreateTaskGroupResponse__Output>): grpc.ClientUnaryCall;
  CreateTaskGroup(argument: _taskplane_v1_CreateTaskGroupRequest, callback: grpc.requestCallback<_taskplane_v1_CreateTaskGroupResponse__Output>): grpc.ClientUnaryCall;
  createTaskGroup(argument: _taskplane_v1_CreateTaskGroupRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_taskplane_v1_CreateTaskGroupResponse__Output>): grpc.ClientUnaryCall;
  createTaskGroup(argument: _taskplane_v1_CreateTaskGroupRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_taskplane_v1_CreateTaskGroupResponse__Output>): grpc.ClientUnaryCall;
  createTaskGroup(argument: _taskplane_v1_CreateTaskGroupRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_taskplane_v1_CreateTaskGroupResponse__Output>): grpc.ClientUnaryCall;
  createTaskGroup(argument: _taskplane_v1_CreateTaskGroupRequest, callback: grpc.requestCallback<_taskplane_v1_CreateTaskGroupResponse__Output>): grpc.ClientUnaryCall;
  
  GetTask(argument: _taskplane_v1_GetTaskRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_taskplane_v1_GetTaskResponse__Output>): grpc.ClientUnaryCall;
  GetTask(argument: _taskplane_v1_GetTaskRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_taskplane_v1_GetTaskResponse__Output>): grpc.ClientUnaryCall;
  GetTask(argument: _taskplane_v1_GetTaskRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_taskplane_v1_GetTaskResponse__Output>): grpc.ClientUnaryCall;
  GetTask(argument: _taskplane_v1_GetTaskRequest, callback: grpc.requestCallback<_taskplane_v1_GetTaskResponse__Output>): grpc.ClientUnaryCall;
  getTask(argument: _taskplane_v1_GetTaskRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_taskplane_v1_GetTaskResponse__Output>): grpc.ClientUnaryCall;
  getTask(argument: _taskplane_v1_GetTaskRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_taskplane_v1_GetTaskResponse__Output>): grpc.ClientUnaryCall;
  getTask(argument: _taskplane_v1_GetTaskRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_taskplane_v1_GetTaskResponse__Output>): grpc.ClientUnaryCall;
  getTask(argument: _taskplane_v1_GetTaskRequest, callback: grpc.requestCallback<_taskplane_v1_GetTaskResponse__Output>): grpc.ClientUnaryCall;
  
  GetTaskGroup(argument: _taskplane_v1_GetTaskGroupRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_taskplane_v1_GetTaskGroupResponse__Output>): grpc.ClientUnaryCall;
  GetTaskGroup(argument: _taskplane_v1_GetTaskGroupRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_taskplane_v1_GetTaskGroupResponse__Output>): grpc.ClientUnaryCall;
  GetTaskGroup(argument: _taskplane_v1_GetTaskGroupRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_taskplane_v1_GetTaskGroupResponse__Output>): grpc.ClientUnaryCall;
  GetTaskGroup(argument: _taskplane_v1_GetTaskGroupRequest, callback: grpc.requestCallback<_taskplane_v1_GetTaskGroupResponse__Output>): grpc.ClientUnaryCall;
  getTaskGroup(argument: _taskplane_v1_GetTaskGroupRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_taskplane_v1_GetTaskGroupResponse__Output>): grpc.ClientUnaryCall;
  getTaskGroup(argument: _taskplane_v1_GetTaskGroupRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_taskplane_v1_GetTaskGroupResponse__Output>): grpc.ClientUnaryCall;
  getTaskGroup(argument: _taskplane_v1_GetTaskGroupRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_taskplane_v1_GetTaskGroupResponse__Output>): grpc.ClientUnaryCall;
  getTaskGroup(argument: _taskplane_v1_GetTaskGroupRequest, callback: grpc.requestCallback<_taskplane_v1_GetTaskGroupResponse__Output>): grpc.ClientUnaryCall;
  
  ListTasks(argument: _taskplane_v1_ListTasksRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_taskplane_v1_ListTasksResponse__Output>): grpc.ClientUnaryCall;
  ListTasks(argument: _taskplane_v1_ListTasksRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_taskplane_v1_ListTasksResponse__Output>): grpc.ClientUnaryCall;
  ListTasks(argument: _taskplane_v1_ListTasksRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_taskplane_v1_ListTasksResponse__Output>): grpc.ClientUnaryCall;
  ListTasks(argument: _taskplane_v1_ListTasksRequest, callback: grpc.requestCallback<_taskplane_v1_ListTasksResponse__Output>): grpc.ClientUnaryCall;
  listTasks(argument: _taskplane_v1_ListTasksRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_taskplane_v1_ListTasksResponse__Output>): grpc.ClientUnaryCall;
  listTasks(argument: _taskplane_v1_ListTasksRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_taskplane_v1_ListTasksResponse__Output>): grpc.ClientUnaryCall;
  listTasks(argument: _taskplane_v1_ListTasksRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_taskplane_v1_ListTasksResponse__Output>): grpc.ClientUnaryCall;
  listTasks(argument: _taskplane_v1_ListTasksRequest, callback: grpc.requestCallback<_taskplane_v1_ListTasksResponse__Output>): grpc.ClientUnaryCall;
  
  ResumeTaskGroup(argument: _taskplane_v1_ResumeTaskGroupRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_taskplane_v1_ResumeTaskGroupResponse__Output>): grpc.ClientUnaryCall;
  ResumeTaskGroup(argument: _taskplane_v1_ResumeTaskGroupRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_taskplane_v1_ResumeTaskGroupResponse__Output>): grpc.ClientUnaryCall;
  ResumeTaskGroup(argument: _taskplane_v1_ResumeTaskGroupRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_taskplane_v1_ResumeTaskGroupResponse__Output>): grpc.ClientUnaryCall;
  ResumeTaskGroup(argument: _taskplane_v1_ResumeTaskGroupRequest, callback: grpc.requestCallback<_taskplane_v1_ResumeTaskGroupResponse__Output>): grpc.ClientUnaryCall;
  resumeTaskGroup(argument: _taskplane_v1_ResumeTaskGroupRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_taskplane_v1_ResumeTaskGroupResponse__Output>): grpc.ClientUnaryCall;
  resumeTaskGroup(argument: _taskplane_v1_ResumeTaskGroupRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_taskplane_v1_ResumeTaskGroupResponse__Output>): grpc.ClientUnaryCall;
  resumeTaskGroup(argument: _taskplane_v1_ResumeTaskGroupRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_taskplane_v1_ResumeTaskGroupResponse__Output>): grpc.ClientUnaryCall;
  resumeTaskGroup(argument: _taskplane_v1_ResumeTaskGroupRequest, callback: grpc.requestCallback<_taskplane_v1_ResumeTaskGroupResponse__Output>): grpc.ClientUnaryCall;
  
  WatchTask(argument: _taskplane_v1_WatchTaskRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_taskplane_v1_WatchTaskResponse__Output>;
  WatchTask(argument: _taskplane_v1_WatchTaskRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_taskplane_v1_WatchTaskResponse__Output>;
  watchTask(argument: _taskplane_v1_WatchTaskRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_taskplane_v1_WatchTaskResponse__Output>;
  watchTask(argument: _taskplane_v1_WatchTaskRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_taskplane_v1_WatchTaskResponse__Output>;
  
  WatchTaskGroup(argument: _taskplane_v1_WatchTaskGroupRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_taskplane_v1_WatchTaskGroupResponse__Output>;
  WatchTaskGroup(argument: _taskplane_v1_WatchTaskGroupRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_taskplane_v1_WatchTaskGroupResponse__Output>;
  watchTaskGroup(argument: _taskplane_v1_WatchTaskGroupRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_taskplane_v1_WatchTaskGroupResponse__Output>;
  watchTaskGroup(argument: _taskplane_v1_WatchTaskGroupRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_taskplane_v1_WatchTaskGroupResponse__Output>;
  
}

export interface TaskServiceHandlers extends grpc.UntypedServiceImplementation {
  AbortTaskGroup: grpc.handleUnaryCall<_taskplane_v1_AbortTaskGroupRequest__Output, _taskplane_v1_AbortTaskGroupResponse>;
  
  BatchCreateTasks: grpc.handleUnaryCall<_taskplane_v1_BatchCreateTasksRequest__Output, _taskplane_v1_BatchCreateTasksResponse>;
  
  CancelTask: grpc.handleUnaryCall<_taskplane_v1_CancelTaskRequest__Output, _taskplane_v1_CancelTaskResponse>;
  
  CancelTaskGroup: grpc.handleUnaryCall<_taskplane_v1_CancelTaskGroupRequest__Output, _taskplane_v1_CancelTaskGroupResponse>;
  
  CreateTask: grpc.handleUnaryCall<_taskplane_v1_CreateTaskRequest__Output, _taskplane_v1_CreateTaskResponse>;
  
  CreateTaskGroup: grpc.handleUnaryCall<_taskplane_v1_CreateTaskGroupRequest__Output, _taskplane_v1_CreateTaskGroupResponse>;
  
  GetTask: grpc.handleUnaryCall<_taskplane_v1_GetTaskRequest__Output, _taskplane_v1_GetTaskResponse>;
  
  GetTaskGroup: grpc.handleUnaryCall<_taskplane_v1_GetTaskGroupRequest__Output, _taskplane_v1_GetTaskGroupResponse>;
  
  ListTasks: grpc.handleUnaryCall<_taskplane_v1_ListTasksRequest__Output, _taskplane_v1_ListTasksResponse>;
  
  ResumeTaskGroup: grpc.handleUnaryCall<_taskplane_v1_ResumeTaskGroupRequest__Output, _taskplane_v1_ResumeTaskGroupResponse>;
  
  WatchTask: grpc.handleServerStreamingCall<_taskplane_v1_WatchTaskRequest__Output, _taskplane_v1_WatchTaskResponse>;
  
  WatchTaskGroup: grpc.handleServerStreamingCall<_taskplane_v1_WatchTaskGroupRequest__Output, _taskplane_v1_WatchTaskGroupResponse>;
  
}

export interface TaskServiceDefinition extends grpc.ServiceDefinition {
  AbortTaskGroup: MethodDefinition<_taskplane_v1_AbortTaskGroupRequest, _taskplane_v1_AbortTaskGroupResponse, _taskplane_v1_AbortTaskGroupRequest__Output, _taskplane_v1_AbortTaskGroupResponse__Output>
  BatchCreateTasks: MethodDefinition<_taskplane_v1_BatchCreateTasksRequest, _taskplane_v1_BatchCreateTasksResponse, _taskplane_v1_BatchCreateTasksRequest__Output, _taskplane_v1_BatchCreateTasksResponse__Output>
  CancelTask: MethodDefinition<_taskplane_v1_CancelTaskRequest, _taskplane_v1_CancelTaskResponse, _taskplane_v1_CancelTaskRequest__Output, _taskplane_v1_CancelTaskResponse__Output>
  CancelTaskGroup: MethodDefinition<_taskplane_v1_CancelTaskGroupRequest, _taskplane_v1_CancelTaskGroupResponse, _taskplane_v1_CancelTaskGroupRequest__Output, _taskplane_v1_CancelTaskGroupResponse__Output>
  CreateTask: MethodDefinition<_taskplane_v1_CreateTaskRequest, _taskplane_v1_CreateTaskResponse, _taskplane_v1_CreateTaskRequest__Output, _taskplane_v1_CreateTaskResponse__Output>
  CreateTaskGroup: MethodDefinition<_taskplane_v1_CreateTaskGroupRequest, _taskplane_v1_CreateTaskGroupResponse, _taskplane_v1_CreateTaskGroupRequest__Output, _taskplane_v1_CreateTaskGroupResponse__Output>
  GetTask: MethodDefinition<_taskplane_v1_GetTaskRequest, _taskplane_v1_GetTaskResponse, _taskplane_v1_GetTaskRequest__Output, _taskplane_v1_GetTaskResponse__Output>
  GetTaskGroup: MethodDefinition<_taskplane_v1_GetTaskGroupRequest, _taskplane_v1_GetTaskGroupResponse, _taskplane_v1_GetTaskGroupRequest__Output, _taskplane_v1_GetTaskGroupResponse__Output>
  ListTasks: MethodDefinition<_taskplane_v1_ListTasksRequest, _taskplane_v1_ListTasksResponse, _taskplane_v1_ListTasksRequest__Output, _taskplane_v1_ListTasksResponse__Output>
  ResumeTaskGroup: MethodDefinition<_taskplane_v1_ResumeTaskGroupRequest, _taskplane_v1_ResumeTaskGroupResponse, _taskplane_v1_ResumeTaskGroupRequest__Output, _taskplane_v1_ResumeTaskGroupResponse__Output>
  WatchTask: MethodDefinition<_taskplane_v1_WatchTaskRequest, _taskplane_v1_WatchTaskResponse, _taskplane_v1_WatchTaskRequest__Output, _taskplane_v1_WatchTaskResponse__Output>
  WatchTaskGroup: MethodDefinition<_taskplane_v1_WatchTaskGroupRequest, _taskplane_v1_WatchTaskGroupResponse, _taskplane_v1_WatchTaskGroupRequest__Output, _taskplane_v1_WatchTaskGroupResponse__Output>
}
