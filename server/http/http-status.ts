import {
  AlreadyExistsError,
  FailedPreconditionError,
  InvalidArgumentError,
  NotFoundError,
  PermissionDeniedError,
  ResourceExhaustedError,
  TaskplaneError,
  UnauthenticatedError,
} from '../errors';
import type { Logger } from '../../common/log';
import { isDatabaseUnavailable } from '../store/database';

/**
 * A refusal of the HTTP layer itself, before any domain logic runs: no such
 * route, wrong method or media type, a body too large, a Host not allowed.
 */
export class HttpRefusal extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export interface HttpError {
  status: number;
  /** The gRPC status name the same refusal has on the gRPC API, so clients of either edge read one vocabulary. */
  body: { error: { code: string; message: string } };
}

const MAX_MESSAGE = 1024;

/**
 * The one place domain errors become HTTP statuses, as server/grpc/status.ts
 * does for gRPC: each domain error has the gRPC code it has there and the
 * HTTP status google.rpc.Code maps that code to (INVALID_ARGUMENT and
 * FAILED_PRECONDITION 400, UNAUTHENTICATED 401, PERMISSION_DENIED 403,
 * NOT_FOUND 404, ALREADY_EXISTS 409, RESOURCE_EXHAUSTED 429, UNAVAILABLE
 * 503, INTERNAL 500). An unreachable
 * database is 503 (retry later); anything unexpected is logged and reaches
 * the client as a generic 500, so no stack trace or SQL leaks out.
 */
export function toHttpError(err: unknown, logger: Logger, route: string): HttpError {
  if (err instanceof HttpRefusal) return error(err.status, err.code, err.message);
  if (err instanceof TaskplaneError) {
    const [status, code] = statusFor(err);
    logger.info({ event: 'http.refused', route, code, reason: err.message }, 'request refused');
    return error(status, code, err.message.length > MAX_MESSAGE ? `${err.message.slice(0, MAX_MESSAGE)}...` : err.message);
  }
  if (isDatabaseUnavailable(err)) {
    logger.warn({ event: 'http.database_unavailable', route, err }, 'database unreachable');
    return error(503, 'UNAVAILABLE', 'the database is unreachable; retry later');
  }
  logger.error({ event: 'http.internal_error', route, err }, 'unexpected error');
  return error(500, 'INTERNAL', 'internal error; the server log has the details');
}

function statusFor(err: TaskplaneError): [number, string] {
  if (err instanceof InvalidArgumentError) return [400, 'INVALID_ARGUMENT'];
  if (err instanceof NotFoundError) return [404, 'NOT_FOUND'];
  if (err instanceof AlreadyExistsError) return [409, 'ALREADY_EXISTS'];
  if (err instanceof FailedPreconditionError) return [400, 'FAILED_PRECONDITION'];
  if (err instanceof UnauthenticatedError) return [401, 'UNAUTHENTICATED'];
  if (err instanceof PermissionDeniedError) return [403, 'PERMISSION_DENIED'];
  if (err instanceof ResourceExhaustedError) return [429, 'RESOURCE_EXHAUSTED'];
  return [500, 'INTERNAL'];
}

function error(status: number, code: string, message: string): HttpError {
  return { status, body: { error: { code, message } } };
}
