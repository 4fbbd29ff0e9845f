import type * as grpc from '@grpc/grpc-js';
import type { EnumTypeDefinition, MessageTypeDefinition } from '@grpc/proto-loader';

import type { Duration as _google_protobuf_Duration, Duration__Output as _google_protobuf_Duration__Output } from './google/protobuf/Duration';
import type { Timestamp as _google_protobuf_Timestamp, Timestamp__Output as _google_protobuf_Timestamp__Output } from './google/protobuf/Timestamp';
import type { AbortTaskGroupRequest as _taskplane_v1_AbortTaskGroupRequest, AbortTaskGroupRequest__Output as _taskplane_v1_AbortTaskGroupRequest__Output } from './taskplane/v1/AbortTaskGroupRequest';
import type { AbortTaskGroupResponse as _taskplane_v1_AbortTaskGroupResponse, AbortTaskGroupResponse__Output as _taskplane_v1_AbortTaskGroupResponse__Output } from './taskplane/v1/AbortTaskGroupResponse';
import type { BackfillScheduleRequest as _taskplane_v1_BackfillScheduleRequest, BackfillScheduleRequest__Output as _taskplane_v1_BackfillScheduleRequest__Output } from './taskplane/v1/BackfillScheduleRequest';
import type { BackfillScheduleResponse as _taskplane_v1_BackfillScheduleResponse, BackfillScheduleResponse__Output as _taskplane_v1_BackfillScheduleResponse__Output } from './taskplane/v1/BackfillScheduleResponse';
import type { BatchCreateTasksRequest as _taskplane_v1_BatchCreateTasksRequest, BatchCreateTasksRequest__Output as _taskplane_v1_BatchCreateTasksRequest__Output } from './taskplane/v1/BatchCreateTasksRequest';
import type { BatchCreateTasksResponse as _taskplane_v1_BatchCreateTasksResponse, BatchCreateTasksResponse__Output as _taskplane_v1_BatchCreateTasksResponse__Output } from './taskplane/v1/BatchCreateTasksResponse';
import type { CancelTaskGroupRequest as _taskplane_v1_CancelTaskGroupRequest, CancelTaskGroupRequest__Output as _taskplane_v1_CancelTaskGroupRequest__Output } from './taskplane/v1/CancelTaskGroupRequest';
import type { CancelTaskGroupResponse as _taskplane_v1_CancelTaskGroupResponse, CancelTaskGroupResponse__Output as _taskplane_v1_CancelTaskGroupResponse__Output } from './taskplane/v1/CancelTaskGroupResponse';
import type { CancelTaskRequest as _taskplane_v1_CancelTaskRequest, CancelTaskRequest__Output as _taskplane_v1_CancelTaskRequest__Output } from './taskplane/v1/CancelTaskRequest';
import type { CancelTaskResponse as _taskplane_v1_CancelTaskResponse, CancelTaskResponse__Output as _taskplane_v1_CancelTaskResponse__Output } from './taskplane/v1/CancelTaskResponse';
import type { CreateScheduleRequest as _taskplane_v1_CreateScheduleRequest, CreateScheduleRequest__Output as _taskplane_v1_CreateScheduleRequest__Output } from './taskplane/v1/CreateScheduleRequest';
import type { CreateScheduleResponse as _taskplane_v1_CreateScheduleResponse, CreateScheduleResponse__Output as _taskplane_v1_CreateScheduleResponse__Output } from './taskplane/v1/CreateScheduleResponse';
import type { CreateTaskGroupRequest as _taskplane_v1_CreateTaskGroupRequest, CreateTaskGroupRequest__Output as _taskplane_v1_CreateTaskGroupRequest__Output } from './taskplane/v1/CreateTaskGroupRequest';
import type { CreateTaskGroupResponse as _taskplane_v1_CreateTaskGroupResponse, CreateTaskGroupResponse__Output as _taskplane_v1_CreateTaskGroupResponse__Output } from './taskplane/v1/CreateTaskGroupResponse';
import type { CreateTaskRequest as _taskplane_v1_CreateTaskRequest, CreateTaskRequest__Output as _taskplane_v1_CreateTaskRequest__Output } from './taskplane/v1/CreateTaskRequest';
import type { CreateTaskResponse as _taskplane_v1_CreateTaskResponse, CreateTaskResponse__Output as _taskplane_v1_CreateTaskResponse__Output } from './taskplane/v1/CreateTaskResponse';
import type { DeleteScheduleRequest as _taskplane_v1_DeleteScheduleRequest, DeleteScheduleRequest__Output as _taskplane_v1_DeleteScheduleRequest__Output } from './taskplane/v1/DeleteScheduleRequest';
import type { DeleteScheduleResponse as _taskplane_v1_DeleteScheduleResponse, DeleteScheduleResponse__Output as _taskplane_v1_DeleteScheduleResponse__Output } from './taskplane/v1/DeleteScheduleResponse';
import type { GetScheduleRequest as _taskplane_v1_GetScheduleRequest, GetScheduleRequest__Output as _taskplane_v1_GetScheduleRequest__Output } from './taskplane/v1/GetScheduleRequest';
import type { GetScheduleResponse as _taskplane_v1_GetScheduleResponse, GetScheduleResponse__Output as _taskplane_v1_GetScheduleResponse__Output } from './taskplane/v1/GetScheduleResponse';
import type { GetTaskGroupRequest as _taskplane_v1_GetTaskGroupRequest, GetTaskGroupRequest__Output as _taskplane_v1_GetTaskGroupRequest__Output } from './taskplane/v1/GetTaskGroupRequest';
import type { GetTaskGroupResponse as _taskplane_v1_GetTaskGroupResponse, GetTaskGroupResponse__Output as _taskplane_v1_GetTaskGroupResponse__Output } from './taskplane/v1/GetTaskGroupResponse';
import type { GetTaskRequest as _taskplane_v1_GetTaskRequest, GetTaskRequest__Output as _taskplane_v1_GetTaskRequest__Output } from './taskplane/v1/GetTaskRequest';
import type { GetTaskResponse as _taskplane_v1_GetTaskResponse, GetTaskResponse__Output as _taskplane_v1_GetTaskResponse__Output } from './taskplane/v1/GetTaskResponse';
import type { ListScheduleFiresRequest as _taskplane_v1_ListScheduleFiresRequest, ListScheduleFiresRequest__Output as _taskplane_v1_ListScheduleFiresRequest__Output } from './taskplane/v1/ListScheduleFiresRequest';
import type { ListScheduleFiresResponse as _taskplane_v1_ListScheduleFiresResponse, ListScheduleFiresResponse__Output as _taskplane_v1_ListScheduleFiresResponse__Output } from './taskplane/v1/ListScheduleFiresResponse';
import type { ListSchedulesRequest as _taskplane_v1_ListSchedulesRequest, ListSchedulesRequest__Output as _taskplane_v1_ListSchedulesRequest__Output } from './taskplane/v1/ListSchedulesRequest';
import type { ListSchedulesResponse as _taskplane_v1_ListSchedulesResponse, ListSchedulesResponse__Output as _taskplane_v1_ListSchedulesResponse__Output } from './taskplane/v1/ListSchedulesResponse';
import type { ListTasksRequest as _taskplane_v1_ListTasksRequest, ListTasksRequest__Output as _taskplane_v1_ListTasksRequest__Output } from './taskplane/v1/ListTasksRequest';
import type { ListTasksResponse as _taskplane_v1_ListTasksResponse, ListTasksResponse__Output as _taskplane_v1_ListTasksResponse__Output } from './taskplane/v1/ListTasksResponse';
import type { PauseScheduleRequest as _taskplane_v1_PauseScheduleRequest, PauseScheduleRequest__Output as _taskplane_v1_PauseScheduleRequest__Output } from './taskplane/v1/PauseScheduleRequest';
import type { PauseScheduleResponse as _taskplane_v1_PauseScheduleResponse, PauseScheduleResponse__Output as _taskplane_v1_PauseScheduleResponse__Output } from './taskplane/v1/PauseScheduleResponse';
import type { PreviewScheduleRequest as _taskplane_v1_PreviewScheduleRequest, PreviewScheduleRequest__Output as _taskplane_v1_PreviewScheduleRequest__Output } from './taskplane/v1/PreviewScheduleRequest';
import type { PreviewScheduleResponse as _taskplane_v1_PreviewScheduleResponse, PreviewScheduleResponse__Output as _taskplane_v1_PreviewScheduleResponse__Output } from './taskplane/v1/PreviewScheduleResponse';
import type { ResumeScheduleRequest as _taskplane_v1_ResumeScheduleRequest, ResumeScheduleRequest__Output as _taskplane_v1_ResumeScheduleRequest__Output } from './taskplane/v1/ResumeScheduleRequest';
import type { ResumeScheduleResponse as _taskplane_v1_ResumeScheduleResponse, ResumeScheduleResponse__Output as _taskplane_v1_ResumeScheduleResponse__Output } from './taskplane/v1/ResumeScheduleResponse';
import type { ResumeTaskGroupRequest as _taskplane_v1_ResumeTaskGroupRequest, ResumeTaskGroupRequest__Output as _taskplane_v1_ResumeTaskGroupRequest__Output } from './taskplane/v1/ResumeTaskGroupRequest';
import type { ResumeTaskGroupResponse as _taskplane_v1_ResumeTaskGroupResponse, ResumeTaskGroupResponse__Output as _taskplane_v1_ResumeTaskGroupResponse__Output } from './taskplane/v1/ResumeTaskGroupResponse';
import type { RolloutPolicy as _taskplane_v1_RolloutPolicy, RolloutPolicy__Output as _taskplane_v1_RolloutPolicy__Output } from './taskplane/v1/RolloutPolicy';
import type { Schedule as _taskplane_v1_Schedule, Schedule__Output as _taskplane_v1_Schedule__Output } from './taskplane/v1/Schedule';
import type { ScheduleFire as _taskplane_v1_ScheduleFire, ScheduleFire__Output as _taskplane_v1_ScheduleFire__Output } from './taskplane/v1/ScheduleFire';
import type { ScheduleServiceClient as _taskplane_v1_ScheduleServiceClient, ScheduleServiceDefinition as _taskplane_v1_ScheduleServiceDefinition } from './taskplane/v1/ScheduleService';
import type { ScheduleSpec as _taskplane_v1_ScheduleSpec, ScheduleSpec__Output as _taskplane_v1_ScheduleSpec__Output } from './taskplane/v1/ScheduleSpec';
import type { ScheduleTarget as _taskplane_v1_ScheduleTarget, ScheduleTarget__Output as _taskplane_v1_ScheduleTarget__Output } from './taskplane/v1/ScheduleTarget';
import type { ScheduledFire as _taskplane_v1_ScheduledFire, ScheduledFire__Output as _taskplane_v1_ScheduledFire__Output } from './taskplane/v1/ScheduledFire';
import type { Task as _taskplane_v1_Task, Task__Output as _taskplane_v1_Task__Output } from './taskplane/v1/Task';
import type { TaskError as _taskplane_v1_TaskError, TaskError__Output as _taskplane_v1_TaskError__Output } from './taskplane/v1/TaskError';
import type { TaskEvent as _taskplane_v1_TaskEvent, TaskEvent__Output as _taskplane_v1_TaskEvent__Output } from './taskplane/v1/TaskEvent';
import type { TaskGroup as _taskplane_v1_TaskGroup, TaskGroup__Output as _taskplane_v1_TaskGroup__Output } from './taskplane/v1/TaskGroup';
import type { TaskGroupEvent as _taskplane_v1_TaskGroupEvent, TaskGroupEvent__Output as _taskplane_v1_TaskGroupEvent__Output } from './taskplane/v1/TaskGroupEvent';
import type { TaskLateOutcome as _taskplane_v1_TaskLateOutcome, TaskLateOutcome__Output as _taskplane_v1_TaskLateOutcome__Output } from './taskplane/v1/TaskLateOutcome';
import type { TaskProgress as _taskplane_v1_TaskProgress, TaskProgress__Output as _taskplane_v1_TaskProgress__Output } from './taskplane/v1/TaskProgress';
import type { TaskServiceClient as _taskplane_v1_TaskServiceClient, TaskServiceDefinition as _taskplane_v1_TaskServiceDefinition } from './taskplane/v1/TaskService';
import type { TaskTemplate as _taskplane_v1_TaskTemplate, TaskTemplate__Output as _taskplane_v1_TaskTemplate__Output } from './taskplane/v1/TaskTemplate';
import type { TriggerScheduleRequest as _taskplane_v1_TriggerScheduleRequest, TriggerScheduleRequest__Output as _taskplane_v1_TriggerScheduleRequest__Output } from './taskplane/v1/TriggerScheduleRequest';
import type { TriggerScheduleResponse as _taskplane_v1_TriggerScheduleResponse, TriggerScheduleResponse__Output as _taskplane_v1_TriggerScheduleResponse__Output } from './taskplane/v1/TriggerScheduleResponse';
import type { UpdateScheduleRequest as _taskplane_v1_UpdateScheduleRequest, UpdateScheduleRequest__Output as _taskplane_v1_UpdateScheduleRequest__Output } from './taskplane/v1/UpdateScheduleRequest';
import type { UpdateScheduleResponse as _taskplane_v1_UpdateScheduleResponse, UpdateScheduleResponse__Output as _taskplane_v1_UpdateScheduleResponse__Output } from './taskplane/v1/UpdateScheduleResponse';
import type { WatchTaskGroupRequest as _taskplane_v1_WatchTaskGroupRequest, WatchTaskGroupRequest__Output as _taskplane_v1_WatchTaskGroupRequest__Output } from './taskplane/v1/WatchTaskGroupRequest';
import type { WatchTaskGroupResponse as _taskplane_v1_WatchTaskGroupResponse, WatchTaskGroupResponse__Output as _taskplane_v1_WatchTaskGroupResponse__Output } from './taskplane/v1/WatchTaskGroupResponse';
import type { WatchTaskRequest as _taskplane_v1_WatchTaskRequest, WatchTaskRequest__Output as _taskplane_v1_WatchTaskRequest__Output } from './taskplane/v1/WatchTaskRequest';
import type { WatchTaskResponse as _taskplane_v1_WatchTaskResponse, WatchTaskResponse__Output as _taskplane_v1_WatchTaskResponse__Output } from './taskplane/v1/WatchTaskResponse';

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
      AbortTaskGroupRequest: MessageTypeDefinition<_taskplane_v1_AbortTaskGroupRequest, _taskplane_v1_AbortTaskGroupRequest__Output>
      AbortTaskGroupResponse: MessageTypeDefinition<_taskplane_v1_AbortTaskGroupResponse, _taskplane_v1_AbortTaskGroupResponse__Output>
      BackfillScheduleRequest: MessageTypeDefinition<_taskplane_v1_BackfillScheduleRequest, _taskplane_v1_BackfillScheduleRequest__Output>
      BackfillScheduleResponse: MessageTypeDefinition<_taskplane_v1_BackfillScheduleResponse, _taskplane_v1_BackfillScheduleResponse__Output>
      BatchCreateTasksRequest: MessageTypeDefinition<_taskplane_v1_BatchCreateTasksRequest, _taskplane_v1_BatchCreateTasksRequest__Output>
      BatchCreateTasksResponse: MessageTypeDefinition<_taskplane_v1_BatchCreateTasksResponse, _taskplane_v1_BatchCreateTasksResponse__Output>
      CancelTaskGroupRequest: MessageTypeDefinition<_taskplane_v1_CancelTaskGroupRequest, _taskplane_v1_CancelTaskGroupRequest__Output>
      CancelTaskGroupResponse: MessageTypeDefinition<_taskplane_v1_CancelTaskGroupResponse, _taskplane_v1_CancelTaskGroupResponse__Output>
      CancelTaskRequest: MessageTypeDefinition<_taskplane_v1_CancelTaskRequest, _taskplane_v1_CancelTaskRequest__Output>
      CancelTaskResponse: MessageTypeDefinition<_taskplane_v1_CancelTaskResponse, _taskplane_v1_CancelTaskResponse__Output>
      CreateScheduleRequest: MessageTypeDefinition<_taskplane_v1_CreateScheduleRequest, _taskplane_v1_CreateScheduleRequest__Output>
      CreateScheduleResponse: MessageTypeDefinition<_taskplane_v1_CreateScheduleResponse, _taskplane_v1_CreateScheduleResponse__Output>
      CreateTaskGroupRequest: MessageTypeDefinition<_taskplane_v1_CreateTaskGroupRequest, _taskplane_v1_CreateTaskGroupRequest__Output>
      CreateTaskGroupResponse: MessageTypeDefinition<_taskplane_v1_CreateTaskGroupResponse, _taskplane_v1_CreateTaskGroupResponse__Output>
      CreateTaskRequest: MessageTypeDefinition<_taskplane_v1_CreateTaskRequest, _taskplane_v1_CreateTaskRequest__Output>
      CreateTaskResponse: MessageTypeDefinition<_taskplane_v1_CreateTaskResponse, _taskplane_v1_CreateTaskResponse__Output>
      DeleteScheduleRequest: MessageTypeDefinition<_taskplane_v1_DeleteScheduleRequest, _taskplane_v1_DeleteScheduleRequest__Output>
      DeleteScheduleResponse: MessageTypeDefinition<_taskplane_v1_DeleteScheduleResponse, _taskplane_v1_DeleteScheduleResponse__Output>
      GetScheduleRequest: MessageTypeDefinition<_taskplane_v1_GetScheduleRequest, _taskplane_v1_GetScheduleRequest__Output>
      GetScheduleResponse: MessageTypeDefinition<_taskplane_v1_GetScheduleResponse, _taskplane_v1_GetScheduleResponse__Output>
      GetTaskGroupRequest: MessageTypeDefinition<_taskplane_v1_GetTaskGroupRequest, _taskplane_v1_GetTaskGroupRequest__Output>
      GetTaskGroupResponse: MessageTypeDefinition<_taskplane_v1_GetTaskGroupResponse, _taskplane_v1_GetTaskGroupResponse__Output>
      GetTaskRequest: MessageTypeDefinition<_taskplane_v1_GetTaskRequest, _taskplane_v1_GetTaskRequest__Output>
      GetTaskResponse: MessageTypeDefinition<_taskplane_v1_GetTaskResponse, _taskplane_v1_GetTaskResponse__Output>
      ListScheduleFiresRequest: MessageTypeDefinition<_taskplane_v1_ListScheduleFiresRequest, _taskplane_v1_ListScheduleFiresRequest__Output>
      ListScheduleFiresResponse: MessageTypeDefinition<_taskplane_v1_ListScheduleFiresResponse, _taskplane_v1_ListScheduleFiresResponse__Output>
      ListSchedulesRequest: MessageTypeDefinition<_taskplane_v1_ListSchedulesRequest, _taskplane_v1_ListSchedulesRequest__Output>
      ListSchedulesResponse: MessageTypeDefinition<_taskplane_v1_ListSchedulesResponse, _taskplane_v1_ListSchedulesResponse__Output>
      ListTasksRequest: MessageTypeDefinition<_taskplane_v1_ListTasksRequest, _taskplane_v1_ListTasksRequest__Output>
      ListTasksResponse: MessageTypeDefinition<_taskplane_v1_ListTasksResponse, _taskplane_v1_ListTasksResponse__Output>
      PauseScheduleRequest: MessageTypeDefinition<_taskplane_v1_PauseScheduleRequest, _taskplane_v1_PauseScheduleRequest__Output>
      PauseScheduleResponse: MessageTypeDefinition<_taskplane_v1_PauseScheduleResponse, _taskplane_v1_PauseScheduleResponse__Output>
      PreviewScheduleRequest: MessageTypeDefinition<_taskplane_v1_PreviewScheduleRequest, _taskplane_v1_PreviewScheduleRequest__Output>
      PreviewScheduleResponse: MessageTypeDefinition<_taskplane_v1_PreviewScheduleResponse, _taskplane_v1_PreviewScheduleResponse__Output>
      ResumeScheduleRequest: MessageTypeDefinition<_taskplane_v1_ResumeScheduleRequest, _taskplane_v1_ResumeScheduleRequest__Output>
      ResumeScheduleResponse: MessageTypeDefinition<_taskplane_v1_ResumeScheduleResponse, _taskplane_v1_ResumeScheduleResponse__Output>
      ResumeTaskGroupRequest: MessageTypeDefinition<_taskplane_v1_ResumeTaskGroupRequest, _taskplane_v1_ResumeTaskGroupRequest__Output>
      ResumeTaskGroupResponse: MessageTypeDefinition<_taskplane_v1_ResumeTaskGroupResponse, _taskplane_v1_ResumeTaskGroupResponse__Output>
      RolloutPolicy: MessageTypeDefinition<_taskplane_v1_RolloutPolicy, _taskplane_v1_RolloutPolicy__Output>
      Schedule: MessageTypeDefinition<_taskplane_v1_Schedule, _taskplane_v1_Schedule__Output>
      ScheduleCatchUpPolicy: EnumTypeDefinition
      ScheduleFire: MessageTypeDefinition<_taskplane_v1_ScheduleFire, _taskplane_v1_ScheduleFire__Output>
      ScheduleFireOutcome: EnumTypeDefinition
      ScheduleFireTrigger: EnumTypeDefinition
      ScheduleOverlapPolicy: EnumTypeDefinition
      ScheduleService: SubtypeConstructor<typeof grpc.Client, _taskplane_v1_ScheduleServiceClient> & { service: _taskplane_v1_ScheduleServiceDefinition }
      ScheduleSpec: MessageTypeDefinition<_taskplane_v1_ScheduleSpec, _taskplane_v1_ScheduleSpec__Output>
      ScheduleTarget: MessageTypeDefinition<_taskplane_v1_ScheduleTarget, _taskplane_v1_ScheduleTarget__Output>
      ScheduledFire: MessageTypeDefinition<_taskplane_v1_ScheduledFire, _taskplane_v1_ScheduledFire__Output>
      Task: MessageTypeDefinition<_taskplane_v1_Task, _taskplane_v1_Task__Output>
      TaskError: MessageTypeDefinition<_taskplane_v1_TaskError, _taskplane_v1_TaskError__Output>
      TaskEvent: MessageTypeDefinition<_taskplane_v1_TaskEvent, _taskplane_v1_TaskEvent__Output>
      TaskEventType: EnumTypeDefinition
      TaskGroup: MessageTypeDefinition<_taskplane_v1_TaskGroup, _taskplane_v1_TaskGroup__Output>
      TaskGroupEvent: MessageTypeDefinition<_taskplane_v1_TaskGroupEvent, _taskplane_v1_TaskGroupEvent__Output>
      TaskGroupEventType: EnumTypeDefinition
      TaskGroupState: EnumTypeDefinition
      TaskLateOutcome: MessageTypeDefinition<_taskplane_v1_TaskLateOutcome, _taskplane_v1_TaskLateOutcome__Output>
      TaskProgress: MessageTypeDefinition<_taskplane_v1_TaskProgress, _taskplane_v1_TaskProgress__Output>
      TaskService: SubtypeConstructor<typeof grpc.Client, _taskplane_v1_TaskServiceClient> & { service: _taskplane_v1_TaskServiceDefinition }
      TaskState: EnumTypeDefinition
      TaskTemplate: MessageTypeDefinition<_taskplane_v1_TaskTemplate, _taskplane_v1_TaskTemplate__Output>
      TaskView: EnumTypeDefinition
      TriggerScheduleRequest: MessageTypeDefinition<_taskplane_v1_TriggerScheduleRequest, _taskplane_v1_TriggerScheduleRequest__Output>
      TriggerScheduleResponse: MessageTypeDefinition<_taskplane_v1_TriggerScheduleResponse, _taskplane_v1_TriggerScheduleResponse__Output>
      UpdateScheduleRequest: MessageTypeDefinition<_taskplane_v1_UpdateScheduleRequest, _taskplane_v1_UpdateScheduleRequest__Output>
      UpdateScheduleResponse: MessageTypeDefinition<_taskplane_v1_UpdateScheduleResponse, _taskplane_v1_UpdateScheduleResponse__Output>
      WatchTaskGroupRequest: MessageTypeDefinition<_taskplane_v1_WatchTaskGroupRequest, _taskplane_v1_WatchTaskGroupRequest__Output>
      WatchTaskGroupResponse: MessageTypeDefinition<_taskplane_v1_WatchTaskGroupResponse, _taskplane_v1_WatchTaskGroupResponse__Output>
      WatchTaskRequest: MessageTypeDefinition<_taskplane_v1_WatchTaskRequest, _taskplane_v1_WatchTaskRequest__Output>
      WatchTaskResponse: MessageTypeDefinition<_taskplane_v1_WatchTaskResponse, _taskplane_v1_WatchTaskResponse__Output>
    }
  }
}

