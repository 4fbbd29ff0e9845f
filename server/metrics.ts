import type { TaskStateName } from './tasks/states';

/**
 * What the server observes about its own work, as the code that does the
 * work sees it: a narrow interface, so the lifecycle, the agent hub, the
 * dispatcher and the scheduler each make one call where something happens
 * and know nothing of how it is exported. The Prometheus implementation is
 * server/http/prometheus-metrics.ts; without an HTTP listener nothing could
 * scrape it, and NO_METRICS is used.
 *
 * Every call is cheap and synchronous. Observations about a change are made
 * only after its transaction committed (AfterCommit.observe), so a rolled
 * back or retried transaction is not counted.
 */
export interface Metrics {
  /** Tasks committed by one create (CreateTask, a batch, a group, a schedule's fire). */
  tasksCreated(count: number): void;
  /** A task reached a terminal state; `method` is its class.method. */
  taskSettled(state: TaskStateName, method: string): void;
  /** The time one task spent between two points of its path (see TaskStage). */
  taskStage(stage: TaskStage, seconds: number): void;
  /** A SCHEDULED task became WAITING this long after its not_before. */
  taskReleased(lagSeconds: number): void;
  /** A schedule's fire was handled; `lagSeconds` after its time, or null for a fire caught up after downtime. */
  scheduleFired(outcome: string, lagSeconds: number | null): void;
  /** Fires that no server ran in time and the catch-up policy skipped. */
  scheduleFiresMissed(count: number): void;
  /** One create transaction committed `tasks` tasks in `seconds`. */
  createBatch(tasks: number, seconds: number): void;
  /** One settlement transaction applied `reports` agent reports in `seconds`. */
  settlementBatch(reports: number, seconds: number): void;
  /** Transactions run again from the start after a deadlock or lock-wait timeout. */
  transactionsRetried(count: number): void;
  /** An agent stream was taken by this server. */
  agentConnected(): void;
  /** An agent stream of this server ended; `reason` is the server's (StreamEnd) or "disconnected" (the agent or the network). */
  agentDisconnected(reason: string): void;
  /** What became of one agent report (see AgentReportKind). */
  agentReport(kind: AgentReportKind): void;
}

/**
 * The points of a task's path that latency is measured between:
 * - create_to_dispatch: from creation (or from not_before, for a task created for later) to its first send;
 * - dispatch_to_running: from its latest send to the agent's accept;
 * - running_to_settled: from the accept to the agent's reply;
 * - create_to_settled: from creation (or not_before) to the agent's reply.
 */
export type TaskStage = 'create_to_dispatch' | 'dispatch_to_running' | 'running_to_settled' | 'create_to_settled';

/**
 * accepted, progress, reply: a report recorded. duplicate: a repeated accept
 * or reply, acknowledged and ignored. foreign: for another consumer's task,
 * refused. unknown: for no known task. stale: for a task that has moved on.
 * unrecordable: refused by the store even alone.
 */
export type AgentReportKind = 'accepted' | 'progress' | 'reply' | 'late' | 'duplicate' | 'foreign' | 'unknown' | 'stale' | 'unrecordable';

/** Observes nothing: a server without an HTTP listener, where nothing could scrape. */
export const NO_METRICS: Metrics = {
  tasksCreated() {},
  taskSettled() {},
  taskStage() {},
  taskReleased() {},
  scheduleFired() {},
  scheduleFiresMissed() {},
  createBatch() {},
  settlementBatch() {},
  transactionsRetried() {},
  agentConnected() {},
  agentDisconnected() {},
  agentReport() {},
};

/** Seconds from `fromMs` to `toMs`, never negative (clocks of two servers may disagree a little). */
export function secondsBetween(fromMs: number, toMs: number): number {
  return Math.max(0, toMs - fromMs) / 1000;
}

/** When a task could first run: its creation, or its not_before if it was created for later. */
export function dueTime(task: { createTime: number; notBeforeTime: number | null }): number {
  return Math.max(task.createTime, task.notBeforeTime ?? 0);
}
