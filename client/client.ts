import * as grpc from '@grpc/grpc-js';
import { loadTaskplaneProtos } from '../protos/loader';
import type { TaskServiceClient } from '../protos/generated/taskplane/v1/TaskService';
import type { ConsumerServiceClient } from '../protos/generated/taskplane/v1/ConsumerService';
import type { ScheduleServiceClient } from '../protos/generated/taskplane/v1/ScheduleService';

export const DEFAULT_SERVER = '127.0.0.1:50051';

/** Typed clients for one taskplane server. Close them when done. */
export interface TaskplaneClients {
  tasks: TaskServiceClient;
  consumers: ConsumerServiceClient;
  schedules: ScheduleServiceClient;
  close(): void;
}

export function connect(address: string = process.env.TASKPLANE_SERVER ?? DEFAULT_SERVER, options: grpc.ChannelOptions = {}): TaskplaneClients {
  const protos = loadTaskplaneProtos();
  const credentials = grpc.credentials.createInsecure();
  const channelOptions: grpc.ChannelOptions = { 'grpc.max_receive_message_length': 64 * 1024 * 1024, ...options };
  const tasks = new protos.taskplane.v1.TaskService(address, credentials, channelOptions);
  // The other service clients share the TaskService client's channel (one
  // HTTP/2 connection), so close() below closes it for all of them.
  const shared = { ...channelOptions, channelOverride: tasks.getChannel() };
  const consumers = new protos.taskplane.v1.ConsumerService(address, credentials, shared);
  const schedules = new protos.taskplane.v1.ScheduleService(address, credentials, shared);
  return {
    tasks,
    consumers,
    schedules,
    close() {
      tasks.close();
    },
  };
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
