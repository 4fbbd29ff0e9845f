import type { TaskStateName } from './states';

/** A task as the domain sees it. Times are epoch milliseconds; null means unset. */
export interface TaskRecord {
  seq: number;
  id: string;
  consumerId: string;
  method: string;
  argumentsJson: string;
  state: TaskStateName;
  labels: Record<string, string>;
  idempotencyKey: string | null;
  requestHash: string | null;
  createTime: number;
  updateTime: number;
  notBeforeTime: number | null;
  notAfterTime: number | null;
  timeoutMs: number | null;
  startTime: number | null;
  endTime: number | null;
  attempt: number;
  resultJson: string | null;
  error: TaskErrorInfo | null;
  progress: TaskProgressInfo | null;
  cancelRequestedTime: number | null;
  cancelReason: string | null;
  /** Why the agent was asked to stop it (set with cancelRequestedTime). */
  cancelKind: StopKind | null;
  /** What the agent reported after the task had ended without it. */
  lateOutcome: LateOutcome | null;
  groupId: string | null;
  scheduleId: string | null;
  fireTime: number | null;
  /** The W3C trace context the task was created in, handed to its agent. */
  traceparent: string | null;
  /** Who created it ("tok_... (name)"); null for tasks created before it was recorded. */
  createdBy: string | null;
}

/** The error type of a task that ended without its agent's reply: nobody knows what the host did. */
export const OUTCOME_UNKNOWN = 'OutcomeUnknown';

/** Why the server asked an agent to stop a task it holds: CancelTask, or the task's timeout. */
export type StopKind = 'cancel' | 'timeout';

/** An agent's report received after its task ended without it: exactly one of resultJson or error. */
export interface LateOutcome {
  reportTime: number;
  resultJson: string | null;
  error: TaskErrorInfo | null;
}

export interface TaskErrorInfo {
  type: string;
  message: string;
  detailsJson: string;
}

export interface TaskProgressInfo {
  percent: number;
  message: string;
  detailsJson: string;
  reportTime: number;
}

export const TASK_EVENT_TYPES = {
  STATE_CHANGED: 'STATE_CHANGED',
  PROGRESS: 'PROGRESS',
  CANCEL_REQUESTED: 'CANCEL_REQUESTED',
  /** Sent to the agent again (a new stream, or not accepted in time); the state is unchanged. */
  REDELIVERED: 'REDELIVERED',
  /** The agent reported an outcome after the task ended without it; the state is unchanged. */
  LATE_OUTCOME: 'LATE_OUTCOME',
} as const;
export type TaskEventTypeName = (typeof TASK_EVENT_TYPES)[keyof typeof TASK_EVENT_TYPES];

export interface TaskEventRecord {
  id: number;
  taskId: string;
  type: TaskEventTypeName;
  state: TaskStateName;
  eventTime: number;
  cause: string;
  error: TaskErrorInfo | null;
  progress: Omit<TaskProgressInfo, 'reportTime'> | null;
}

/** A task to insert, as the lifecycle's create writes it. */
export interface NewTask {
  id: string;
  consumerId: string;
  method: string;
  argumentsJson: string;
  state: TaskStateName;
  labels: Record<string, string>;
  idempotencyKey: string | null;
  requestHash: string | null;
  createTime: number;
  notBeforeTime: number | null;
  notAfterTime: number | null;
  timeoutMs: number | null;
  groupId?: string | null;
  scheduleId?: string | null;
  fireTime?: number | null;
  traceparent?: string | null;
  createdBy?: string | null;
  /** Its wave, in a rolled-out group. */
  rolloutWave?: number | null;
  /** Of a wave not started yet: created SCHEDULED without not_before, released when its wave starts. */
  held?: boolean;
}

/** A validated request before the lifecycle gives it its first state. */
export type TaskDraft = Omit<NewTask, 'state'>;
