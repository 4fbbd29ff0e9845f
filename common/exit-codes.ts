import * as grpc from '@grpc/grpc-js';

/**
 * Exit codes scripts can rely on. Shared because every command of the one
 * `taskplane` binary (bin/taskplane.ts) exits with them: the client verbs,
 * `agent` (DENIED when its credential is refused, CONFLICT when replaced),
 * and any command's usage mistake (UsageError, USAGE). A gRPC refusal maps
 * to the code of its status; `task run` and `task watch` add one code for
 * each way a task can end other than SUCCEEDED (exitCodeForOutcome).
 */
export const EXIT = {
  OK: 0,
  /** Anything not listed below (including INTERNAL). */
  FAILURE: 1,
  /** Bad flags or arguments, or INVALID_ARGUMENT from the server. */
  USAGE: 2,
  NOT_FOUND: 3,
  /** ALREADY_EXISTS or FAILED_PRECONDITION: the request conflicts with the current state. */
  CONFLICT: 4,
  /** The server could not be reached (UNAVAILABLE, DEADLINE_EXCEEDED). */
  UNAVAILABLE: 5,
  /** UNAUTHENTICATED or PERMISSION_DENIED. */
  DENIED: 6,
  /** `task watch-group`: a task of the group ended FAILED, CANCELED, TIMED_OUT or EXPIRED. `task run` / `task watch`: the task ended FAILED. */
  TASK_DID_NOT_SUCCEED: 8,
  /** `task run` / `task watch`: the task ended CANCELED. */
  TASK_CANCELED: 9,
  /** `task run` / `task watch`: the task ended TIMED_OUT (it ran past its --timeout). */
  TASK_TIMED_OUT: 10,
  /** `task run` / `task watch`: the task ended EXPIRED (its window closed before it started). */
  TASK_EXPIRED: 11,
} as const;

/** The exit code of `task run` and `task watch` for the state the task ended in (0 for SUCCEEDED). */
export function exitCodeForOutcome(state: string): number {
  switch (state) {
    case 'TASK_STATE_SUCCEEDED':
      return EXIT.OK;
    case 'TASK_STATE_CANCELED':
      return EXIT.TASK_CANCELED;
    case 'TASK_STATE_TIMED_OUT':
      return EXIT.TASK_TIMED_OUT;
    case 'TASK_STATE_EXPIRED':
      return EXIT.TASK_EXPIRED;
    default:
      return EXIT.TASK_DID_NOT_SUCCEED;
  }
}

export function exitCodeForStatus(code: grpc.status): number {
  switch (code) {
    case grpc.status.INVALID_ARGUMENT:
    case grpc.status.OUT_OF_RANGE:
      return EXIT.USAGE;
    case grpc.status.NOT_FOUND:
      return EXIT.NOT_FOUND;
    case grpc.status.ALREADY_EXISTS:
    case grpc.status.FAILED_PRECONDITION:
    case grpc.status.ABORTED:
      return EXIT.CONFLICT;
    case grpc.status.UNAVAILABLE:
    case grpc.status.DEADLINE_EXCEEDED:
      return EXIT.UNAVAILABLE;
    case grpc.status.UNAUTHENTICATED:
    case grpc.status.PERMISSION_DENIED:
      return EXIT.DENIED;
    default:
      return EXIT.FAILURE;
  }
}

/** A usage mistake found by the CLI itself, before any call. */
export class UsageError extends Error {}
