import * as grpc from '@grpc/grpc-js';
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
 * The one place domain errors become gRPC statuses. A database that cannot
 * be reached is UNAVAILABLE (clients retry it, as gRPC's retry policies
 * do). Anything else unexpected is logged for the operator and reaches the
 * client as a generic INTERNAL, so no stack trace or SQL leaks out.
 */
const MAX_DETAILS = 1024;

export function toServiceError(err: unknown, logger: Logger, method: string): Partial<grpc.ServiceError> {
  if (err instanceof TaskplaneError) {
    const code = statusFor(err);
    logger.info({ event: 'rpc.refused', method, code: grpc.status[code], reason: err.message }, 'request refused');
    // Bounded: a status travels in an HTTP/2 header, and a huge one (an
    // echoed 200 KB id) would make the client drop the whole connection.
    return { code, details: err.message.length > MAX_DETAILS ? `${err.message.slice(0, MAX_DETAILS)}...` : err.message };
  }
  if (isDatabaseUnavailable(err)) {
    // Retryable: the request did nothing, and will work once the database answers.
    logger.warn({ event: 'rpc.database_unavailable', method, err }, 'database unreachable');
    return { code: grpc.status.UNAVAILABLE, details: 'the database is unreachable; retry later' };
  }
  logger.error({ event: 'rpc.internal_error', method, err }, 'unexpected error');
  return { code: grpc.status.INTERNAL, details: 'internal error; the server log has the details' };
}

export function statusFor(err: TaskplaneError): grpc.status {
  if (err instanceof InvalidArgumentError) return grpc.status.INVALID_ARGUMENT;
  if (err instanceof NotFoundError) return grpc.status.NOT_FOUND;
  if (err instanceof AlreadyExistsError) return grpc.status.ALREADY_EXISTS;
  if (err instanceof FailedPreconditionError) return grpc.status.FAILED_PRECONDITION;
  if (err instanceof UnauthenticatedError) return grpc.status.UNAUTHENTICATED;
  if (err instanceof PermissionDeniedError) return grpc.status.PERMISSION_DENIED;
  if (err instanceof ResourceExhaustedError) return grpc.status.RESOURCE_EXHAUSTED;
  return grpc.status.INTERNAL;
}

/** Wraps a promise-returning handler as a grpc-js unary handler, with the error mapping above. */
export function unary<Req, Res>(logger: Logger, method: string, handler: (request: Req, call: grpc.ServerUnaryCall<Req, Res>) => Promise<Res>): grpc.handleUnaryCall<Req, Res> {
  return (call, callback) => {
    handler(call.request, call).then(
      (response) => callback(null, response),
      (err) => callback(toServiceError(err, logger, method)),
    );
  };
}

/**
 * The open server streams (watchers), so shutdown can end them with
 * UNAVAILABLE; once closed, a stream that starts is ended at once the same
 * way, so none slips in between the sweep and the server's own shutdown.
 */
export class LiveStreams {
  private readonly streams = new Set<grpc.ServerWritableStream<any, any>>();
  private closed = false;

  /** False (and the stream is ended) if the server is shutting down. */
  add(stream: grpc.ServerWritableStream<any, any>): boolean {
    if (this.closed) {
      stream.emit('error', SHUTTING_DOWN);
      return false;
    }
    this.streams.add(stream);
    return true;
  }

  delete(stream: grpc.ServerWritableStream<any, any>): void {
    this.streams.delete(stream);
  }

  closeAll(): void {
    this.closed = true;
    for (const stream of this.streams) stream.emit('error', SHUTTING_DOWN);
    this.streams.clear();
  }
}

const SHUTTING_DOWN = { code: grpc.status.UNAVAILABLE, details: 'server is shutting down; reconnect' };

/**
 * Wraps an async generator as a server-streaming handler: respects
 * backpressure (waits for 'drain' when write() returns false) and turns the
 * client's cancellation into an AbortSignal for the generator.
 */
export function serverStream<Req, Res>(
  logger: Logger,
  method: string,
  handler: (request: Req, signal: AbortSignal, call: grpc.ServerWritableStream<Req, Res>) => AsyncIterable<Res>,
  liveStreams: LiveStreams,
): grpc.handleServerStreamingCall<Req, Res> {
  return (call) => {
    if (!liveStreams.add(call)) return;
    const abort = new AbortController();
    call.on('cancelled', () => abort.abort());
    call.on('close', () => abort.abort());
    (async () => {
      try {
        for await (const message of handler(call.request, abort.signal, call)) {
          if (abort.signal.aborted) break;
          if (!call.write(message)) await new Promise<void>((resolve) => {
            const done = () => { call.off('drain', done); abort.signal.removeEventListener('abort', done); resolve(); };
            call.once('drain', done);
            abort.signal.addEventListener('abort', done, { once: true });
          });
        }
        if (!abort.signal.aborted) call.end();
      } catch (err) {
        // grpc-js turns an 'error' event on a server stream into the call's final status.
        if (!abort.signal.aborted) call.emit('error', toServiceError(err, logger, method));
      } finally {
        liveStreams.delete(call);
      }
    })();
  };
}
