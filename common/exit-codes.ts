import * as grpc from '@grpc/grpc-js';

/**
 * Exit codes scripts can rely on. Shared because every command of the one
 * `taskplane` binary (bin/taskplane.ts) exits with them: the client verbs,
 * `agent` (DENIED when its credential is refused, CONFLICT when replaced),
 * and any command's usage mistake (UsageError, USAGE). A gRPC refusal maps
 * to the code of its status; `task watch` adds TASK_DID_NOT_SUCCEED for a
 * task that ended any other way than SUCCEEDED.
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
  /** `task watch` / `task watch-group`: the task (or one of the group) ended FAILED, CANCELED, TIMED_OUT or EXPIRED. */
  TASK_DID_NOT_SUCCEED: 8,
} as const;

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
