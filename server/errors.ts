/**
 * Domain errors. The task logic throws these and knows nothing of gRPC;
 * server/grpc/status.ts maps each to a gRPC status in one place. Each carries
 * its context as readonly fields so logs and clients can say exactly what
 * was wrong.
 */

export abstract class TaskplaneError extends Error {
  abstract readonly kind: string;
}

/** A request field is missing or malformed. `field` is its proto path, e.g. "requests[2].method". */
export class InvalidArgumentError extends TaskplaneError {
  readonly kind = 'invalid_argument';
  constructor(
    readonly field: string,
    readonly problem: string,
  ) {
    super(`${field}: ${problem}`);
  }

  /** The same problem, reported under a prefix (e.g. a batch entry). */
  withFieldPrefix(prefix: string): InvalidArgumentError {
    return new InvalidArgumentError(`${prefix}.${this.field}`, this.problem);
  }
}

export class NotFoundError extends TaskplaneError {
  readonly kind = 'not_found';
  constructor(
    readonly resource: 'task' | 'consumer' | 'schedule' | 'group' | 'token',
    readonly id: string,
    readonly field: string,
  ) {
    super(`${field}: ${resource} "${id.length > 64 ? `${id.slice(0, 64)}...` : id}" not found`);
  }
}

export class AlreadyExistsError extends TaskplaneError {
  readonly kind = 'already_exists';
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
  }
}

/** The request is well-formed but the resource's state forbids it (e.g. cancelling a finished task). */
export class FailedPreconditionError extends TaskplaneError {
  readonly kind = 'failed_precondition';
  constructor(message: string) {
    super(message);
  }
}

/**
 * The caller did not prove who it is (API token or agent credential missing,
 * wrong, revoked or expired). When the presented token or consumer is known,
 * `principalId`/`principalName` name it for the audit log.
 */
export class UnauthenticatedError extends TaskplaneError {
  readonly kind = 'unauthenticated';
  constructor(
    message: string,
    readonly principalId = '',
    readonly principalName = '',
  ) {
    super(message);
  }
}

/**
 * The caller is known but may not do this: its role lacks `permission`, or
 * the target lies outside its token's scope. The message names both.
 */
export class PermissionDeniedError extends TaskplaneError {
  readonly kind = 'permission_denied';
  constructor(
    readonly permission: string,
    readonly reason: string,
  ) {
    super(`${permission}: ${reason}`);
  }
}

/** A limit was reached (e.g. a token's create rate); retrying later may succeed. */
export class ResourceExhaustedError extends TaskplaneError {
  readonly kind = 'resource_exhausted';
  constructor(message: string) {
    super(message);
  }
}

/** The schema is older than this code; carries the command that fixes it. */
export class SchemaOutOfDateError extends TaskplaneError {
  readonly kind = 'schema_out_of_date';
  constructor(
    readonly pending: string[],
    readonly remedy: string,
  ) {
    super(`the database schema is out of date (${pending.length} pending migration(s): ${pending.join(', ')}); run: ${remedy}`);
  }
}
