/**
 * The task state machine, defined once. The store keeps these exact strings
 * in tasks.state (a CHECK constraint refuses any other); the API names them
 * TASK_STATE_<NAME>.
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
  /** The agent replied with an error, the task could not run, or what its agent did is unknown (OutcomeUnknown). Terminal. */
  FAILED: 'FAILED',
  /** Canceled before an agent held it, or its agent confirmed a cancel request. Terminal. */
  CANCELED: 'CANCELED',
  /** Ran past its timeout and its agent confirmed it stopped it. Terminal. */
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
 * The state graph: every legal edge, as a reader checks it against the
 * diagram in docs/design.md. Terminal states have none. A task an agent
 * holds (DISPATCHED, RUNNING) ends only by its agent's reply, or FAILED
 * (OutcomeUnknown) when that reply never comes.
 */
export const STATE_GRAPH: Readonly<Record<TaskStateName, readonly TaskStateName[]>> = {
  SCHEDULED: ['WAITING', 'CANCELED', 'EXPIRED'],
  WAITING: ['DISPATCHED', 'FAILED', 'CANCELED', 'EXPIRED'],
  // A reply without a prior "accepted" settles the task from DISPATCHED.
  DISPATCHED: ['RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELED', 'TIMED_OUT'],
  RUNNING: ['SUCCEEDED', 'FAILED', 'CANCELED', 'TIMED_OUT'],
  SUCCEEDED: [],
  FAILED: [],
  CANCELED: [],
  TIMED_OUT: [],
  EXPIRED: [],
};

/**
 * A named transition: the states it may leave (its guard) and those it may
 * enter ('same': it records without moving). Only a 'same' transition may
 * name a terminal state in `from` (lateOutcome): nothing leaves one.
 */
export interface Transition {
  readonly from: readonly TaskStateName[];
  readonly to: readonly TaskStateName[] | 'same';
}

/**
 * Every transition the lifecycle (server/tasks/lifecycle.ts) makes, one
 * function each. Each guarded write takes its WHERE state IN (...) from
 * `from` here, so a writer that lost a race to another changes nothing.
 * test/states.test.ts checks that these edges are exactly STATE_GRAPH.
 */
export const TRANSITIONS = {
  /** not_before reached. */
  release: { from: ['SCHEDULED'], to: ['WAITING'] },
  /** The window closed before the task started (by the sweep, or found at claim time). */
  expire: { from: ['SCHEDULED', 'WAITING'], to: ['EXPIRED'] },
  /** Sent to its agent: claimed for a stream, or handed off in its creating transaction. */
  dispatch: { from: ['WAITING'], to: ['DISPATCHED'] },
  /** Found at claim time to need a method its agent does not have. */
  refuse: { from: ['WAITING'], to: ['FAILED'] },
  /** Sent again on the agent's new stream: same state, attempt + 1. */
  redeliver: { from: ['DISPATCHED', 'RUNNING'], to: 'same' },
  /** Sent again on the same stream: not accepted in time. */
  resend: { from: ['DISPATCHED'], to: 'same' },
  /** Sent again and again on a live stream and never accepted: the agent is broken for it; it is told to drop it. */
  notAccepted: { from: ['DISPATCHED'], to: ['FAILED'] },
  /** The agent accepted it. */
  accept: { from: ['DISPATCHED'], to: ['RUNNING'] },
  /** The agent reported progress. */
  progress: { from: ['DISPATCHED', 'RUNNING'], to: 'same' },
  /**
   * The agent's reply: a result SUCCEEDED; "Canceled" CANCELED or TIMED_OUT
   * when the server asked it to stop (by CancelTask or the timeout);
   * "TimedOut" TIMED_OUT; any other error FAILED.
   */
  settle: { from: ['DISPATCHED', 'RUNNING'], to: ['SUCCEEDED', 'FAILED', 'CANCELED', 'TIMED_OUT'] },
  /** CancelTask before any agent holds it. */
  cancel: { from: ['SCHEDULED', 'WAITING'], to: ['CANCELED'] },
  /** CancelTask of a held task: recorded and passed to the agent (now or when it returns), whose reply settles it. */
  requestCancel: { from: ['DISPATCHED', 'RUNNING'], to: 'same' },
  /** Ran past its timeout: recorded as a stop request and passed to the agent, whose reply settles it. */
  timeOut: { from: ['RUNNING'], to: 'same' },
  /**
   * Its agent did not answer a stop request within the abandon deadline, or
   * its consumer was unregistered while the agent held it: FAILED with
   * OutcomeUnknown, since nobody knows what the host did. The agent is told
   * to stop when it returns.
   */
  abandon: { from: ['DISPATCHED', 'RUNNING'], to: ['FAILED'] },
  /** The agent's reply for a task abandoned without it: recorded as its late outcome (and history); the state stays. */
  lateOutcome: { from: ['FAILED'], to: 'same' },
} as const satisfies Record<string, Transition>;

export type TransitionName = keyof typeof TRANSITIONS;

/** The WHERE state IN (...) of a guarded write. */
export function guardOf(transition: TransitionName): readonly TaskStateName[] {
  return TRANSITIONS[transition].from;
}

/** The target a transition writes; throws on a target its table entry does not list (a bug, not bad input). */
export function targetOf(transition: TransitionName, to: TaskStateName): TaskStateName {
  const allowed = TRANSITIONS[transition].to;
  if (allowed === 'same' || !allowed.includes(to as never)) throw new Error(`transition ${transition} cannot enter ${to}`);
  return to;
}

export function isTerminal(state: TaskStateName): boolean {
  return TERMINAL_STATES.includes(state);
}

export function isTaskStateName(value: string): value is TaskStateName {
  return Object.prototype.hasOwnProperty.call(TASK_STATES, value);
}
