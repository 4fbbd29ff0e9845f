// Original file: protos/taskplane/v1/task_service.proto

export const TaskEventType = {
  TASK_EVENT_TYPE_UNSPECIFIED: 'TASK_EVENT_TYPE_UNSPECIFIED',
  TASK_EVENT_TYPE_STATE_CHANGED: 'TASK_EVENT_TYPE_STATE_CHANGED',
  TASK_EVENT_TYPE_PROGRESS: 'TASK_EVENT_TYPE_PROGRESS',
  TASK_EVENT_TYPE_CANCEL_REQUESTED: 'TASK_EVENT_TYPE_CANCEL_REQUESTED',
} as const;

export type TaskEventType =
  | 'TASK_EVENT_TYPE_UNSPECIFIED'
  | 0
  | 'TASK_EVENT_TYPE_STATE_CHANGED'
  | 1
  | 'TASK_EVENT_TYPE_PROGRESS'
  | 2
  | 'TASK_EVENT_TYPE_CANCEL_REQUESTED'
  | 3

export type TaskEventType__Output = typeof TaskEventType[keyof typeof TaskEventType]
