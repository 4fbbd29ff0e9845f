/**
 * The task state machine of MISSION.md, defined once. The store keeps these
 * exact strings in tasks.state; the API names them TASK_STATE_<NAME>.
 */
export const TASK_STATES = {
  /** Not due yet: not_before is in the future. */
  SCHEDULED: 'SCHEDULED',
  /** Due, waiting for its consumer's agent to be connected and free. */
  WAITING: 'WAITING',
  /** Sent to the agent on its stream, not yet accepted. */
  DISPATCHED: 'DISPATCHED',
  /** Accepted by the agent, running. */
  RUNNING: 'RUNNING',
  /** The agent replied with a result. Terminal. */
  SUCCEEDED: 'SUCCEEDED',
  /** The agent replied with an error, or the task could not run. Terminal. */
  FAILED: 'FAILED',
  /** Canceled by a user or because its consumer was unregistered. Terminal. */
  CANCELED: 'CANCELED',
  /** Ran past its timeout. Terminal. */
  TIMED_OUT: 'TIMED_OUT',
  /** Its window closed before it started. Terminal. */
  EXPIRED: 'EXPIRED',
} as const;

export type TaskStateName = (typeof TASK_STATES)[keyof typeof TASK_STATES];

export const TERMINAL_STATES: readonly TaskStateName[] = ['SUCCEEDED', 'FAILED', 'CANCELED', 'TIMED_OUT', 'EXPIRED'];

/** Not yet handed to an agent: can be canceled, expired or released without asking anyone. */
export const UNDISPATCHED_STATES: readonly TaskStateName[] = ['SCHEDULED', 'WAITING'];

/** Handed to an agent and not settled. */
export const IN_FLIGHT_STATES: readonly TaskStateName[] = ['DISPATCHED', 'RUNNING'];

/**
 * Every legal transition: from -> allowed targets. A write that is not listed
 * here is refused by transitionGuard() before it reaches the store, and the
 * store's conditional update (WHERE state IN allowedFrom) refuses it again if
 * another writer got there first.
 */
const TRANSITIONS: Record<TaskStateName, readonly TaskStateName[]> = {
  SCHEDULED: ['WAITING', 'CANCELED', 'EXPIRED'],
  WAITING: ['DISPATCHED', 'FAILED', 'CANCELED', 'EXPIRED'],
  // DISPATCHED -> WAITING: the stream broke before the agent accepted; send again.
  DISPATCHED: ['RUNNING', 'WAITING', 'SUCCEEDED', 'FAILED', 'CANCELED', 'TIMED_OUT', 'EXPIRED'],
  // RUNNING -> WAITING: the stream broke while running; sent again on reconnect
  // (the agent's journal keeps it from running twice).
  RUNNING: ['WAITING', 'SUCCEEDED', 'FAILED', 'CANCELED', 'TIMED_OUT'],
  SUCCEEDED: [],
  FAILED: [],
  CANCELED: [],
  TIMED_OUT: [],
  EXPIRED: [],
};

export function isTerminal(state: TaskStateName): boolean {
  return TERMINAL_STATES.includes(state);
}

export function canTransition(from: TaskStateName, to: TaskStateName): boolean {
  return TRANSITIONS[from].includes(to);
}

/** The states from which `to` may be entered: the WHERE clause of a guarded update. */
export function statesAllowedInto(to: TaskStateName): TaskStateName[] {
  return (Object.keys(TRANSITIONS) as TaskStateName[]).filter((from) => TRANSITIONS[from].includes(to));
}

export function isTaskStateName(value: string): value is TaskStateName {
  return Object.prototype.hasOwnProperty.call(TASK_STATES, value);
}
