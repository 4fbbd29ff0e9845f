import * as grpc from '@grpc/grpc-js';
import { loadTaskplaneProtos } from '../protos/loader';
import type { TaskServiceClient } from '../protos/generated/taskplane/v1/TaskService';
import type { ConsumerServiceClient } from '../protos/generated/taskplane/v1/ConsumerService';
import type { ScheduleServiceClient } from '../protos/generated/taskplane/v1/ScheduleService';
import type { TokenServiceClient } from '../protos/generated/taskplane/v1/TokenService';
import type { AuditServiceClient } from '../protos/generated/taskplane/v1/AuditService';
import { resolveTransport, type TransportFlags } from '../common/transport';
import { tagProtoType } from '../common/proto-json';

export const DEFAULT_SERVER = '127.0.0.1:50051';

// What the server accepts and sends at most (server/server.ts): a larger
// request fails here, before the wire, with RESOURCE_EXHAUSTED.
const MAX_SEND_BYTES = 8 * 1024 * 1024;
const MAX_RECEIVE_BYTES = 64 * 1024 * 1024;

/** Typed clients for one taskplane server. Close them when done. */
export interface TaskplaneClients {
  tasks: TaskServiceClient;
  consumers: ConsumerServiceClient;
  schedules: ScheduleServiceClient;
  tokens: TokenServiceClient;
  audit: AuditServiceClient;
  close(): void;
}

export interface ConnectOptions {
  /** The API token sent with every call ("authorization: Bearer <token>"). */
  token?: string | null;
  /** TLS: CA to trust, own certificate and key (mutual TLS); see common/transport.ts. An https:// address turns TLS on too. */
  tls?: Omit<TransportFlags, 'server'>;
  channelOptions?: grpc.ChannelOptions;
  /** Client interceptors run on every call, after the one that adds the token (tracing, counting). */
  interceptors?: grpc.Interceptor[];
}

export function connect(address: string = process.env.TASKPLANE_SERVER ?? DEFAULT_SERVER, options: ConnectOptions = {}): TaskplaneClients {
  const protos = loadTaskplaneProtos();
  const { target, credentials } = resolveTransport({ server: address, ...options.tls });
  const channelOptions: grpc.ChannelOptions = { 'grpc.max_receive_message_length': MAX_RECEIVE_BYTES, 'grpc.max_send_message_length': MAX_SEND_BYTES, ...options.channelOptions };
  const clientOptions: grpc.ClientOptions = { ...channelOptions, interceptors: [tagResponses, ...(options.token ? [bearer(options.token)] : []), ...(options.interceptors ?? [])] };
  const v1 = protos.taskplane.v1;
  const tasks = new v1.TaskService(target, credentials, clientOptions);
  // The other service clients share the TaskService client's channel (one
  // HTTP/2 connection), so close() below closes it for all of them.
  const shared = { ...clientOptions, channelOverride: tasks.getChannel() };
  return {
    tasks,
    consumers: new v1.ConsumerService(target, credentials, shared),
    schedules: new v1.ScheduleService(target, credentials, shared),
    tokens: new v1.TokenService(target, credentials, shared),
    audit: new v1.AuditService(target, credentials, shared),
    close() {
      tasks.close();
    },
  };
}

/**
 * Marks every response message with its proto type (common/proto-json.ts),
 * so `--output json` can print it in the proto3 JSON mapping whatever the
 * command that asked for it.
 */
const tagResponses: grpc.Interceptor = (options, nextCall) => {
  const method = options.method_definition.path;
  return new grpc.InterceptingCall(nextCall(options), {
    start(metadata, listener, next) {
      next(metadata, { onReceiveMessage: (message, nextMessage) => nextMessage(tagProtoType(message, method)) });
    },
  });
};

/** Adds the token to every call's metadata (an interceptor, so it works on plaintext loopback channels too, where gRPC refuses call credentials). */
function bearer(token: string): grpc.Interceptor {
  return (options, nextCall) =>
    new grpc.InterceptingCall(nextCall(options), {
      start(metadata, listener, next) {
        metadata.set('authorization', `Bearer ${token}`);
        next(metadata, listener);
      },
    });
}

// Matches the last overload of a generated unary method, which is the one
// TypeScript infers from: (request, callback).
type UnaryMethod<Req, Res> = (request: Req, callback: (err: grpc.ServiceError | null, response?: Res) => void) => grpc.ClientUnaryCall;
type FullUnaryMethod = (request: unknown, metadata: grpc.Metadata, options: grpc.CallOptions, callback: (err: grpc.ServiceError | null, response?: unknown) => void) => grpc.ClientUnaryCall;

/** Calls a unary method as a promise: `await call(client.tasks, 'getTask', {taskId})`. */
export function call<C, K extends keyof C>(
  client: C,
  method: K,
  request: C[K] extends UnaryMethod<infer Req, any> ? Req : never,
  options: grpc.CallOptions = {},
  metadata: grpc.Metadata = new grpc.Metadata(),
): Promise<C[K] extends UnaryMethod<any, infer Res> ? NonNullable<Res> : never> {
  return new Promise((resolve, reject) => {
    (client[method] as unknown as FullUnaryMethod).call(client, request, metadata, options, (err, response) =>
      err ? reject(err) : resolve(response as any),
    );
  });
}
