import crypto from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import type { AgentHub } from '../agents/agent-hub';
import type { Logger } from '../../common/log';
import { loadClusterProtos } from '../../protos/loader';
import type { ClusterServiceHandlers, ClusterServiceClient } from '../../protos/generated/taskplane/v1/ClusterService';
import type { WakeSender } from '../cluster/cluster-waker';
import type { CreatedThere } from '../tasks/lifecycle';
import { CREATE_FORMAT, decodeForwardedCreate, encodeForwardedCreate, type CreateSender, type ForwardedCreate } from '../cluster/create-forwarder';
import { InvalidArgumentError, FailedPreconditionError } from '../errors';
import { unary } from './status';

/** A Wake names at most this many consumers per list (a sender splits bigger rounds). */
export const MAX_WAKE_IDS = 10_000;
/** The largest forwarded create, encoded; a bigger one is created by the server that took it. */
export const MAX_FORWARDED_CREATE_BYTES = 8 * 1024 * 1024;
const WAKE_DEADLINE_MS = 2_000;
/**
 * A forwarded create that has not answered in this is created by the
 * caller itself (its ids keep that safe). Short: it normally answers in
 * milliseconds, and a server whose host vanished would hold the caller's
 * create this long.
 */
const CREATE_DEADLINE_MS = 1_000;

/** What ClusterService's handlers act on: the agent streams here, and creates with their hand-off. */
export interface ClusterServiceTarget {
  hub: AgentHub;
  /** Creates forwarded tasks here, with the local hand-off (and, with `check`, this server's refusals). */
  createForwarded(create: ForwardedCreate): Promise<CreatedThere>;
}

/** ClusterService, served on the internal address only: wake-ups and creates from other servers of this installation. */
export function clusterServiceHandlers(target: ClusterServiceTarget, secret: string, logger: Logger): ClusterServiceHandlers {
  const expected = Buffer.from(`Bearer ${secret}`);
  const refused = (call: grpc.ServerUnaryCall<unknown, unknown>): grpc.ServerErrorResponse | null => {
    const presented = Buffer.from(String(call.metadata.get('authorization')[0] ?? ''));
    if (presented.length === expected.length && crypto.timingSafeEqual(presented, expected)) return null;
    logger.warn({ event: 'cluster.unauthenticated', peer: call.getPeer() }, 'ClusterService call without the cluster secret refused');
    return Object.assign(new Error('ClusterService is for taskplane servers of this installation only'), { code: grpc.status.UNAUTHENTICATED, details: 'ClusterService is for taskplane servers of this installation only' });
  };
  const createTasks = unary(logger, 'ClusterService.CreateTasks', async (request: { format: number; createJson: Buffer }) => {
    if (request.format !== CREATE_FORMAT) throw new FailedPreconditionError(`format ${request.format} of create_json is not known here (this server reads ${CREATE_FORMAT})`);
    let create: ForwardedCreate;
    try {
      create = decodeForwardedCreate(request.createJson);
    } catch (err) {
      throw new InvalidArgumentError('create_json', (err as Error).message);
    }
    const { handed, refused } = await target.createForwarded(create);
    return { handedOffTaskIds: [...handed], refused: [...refused].map(([taskId, r]) => ({ taskId, code: r.code, message: r.message })) };
  });
  return {
    Wake: (call, callback) => {
      const refusal = refused(call);
      if (refusal) return callback(refusal);
      const { workConsumerIds, cancelConsumerIds } = call.request;
      if (workConsumerIds.length > MAX_WAKE_IDS || cancelConsumerIds.length > MAX_WAKE_IDS) {
        callback({ code: grpc.status.INVALID_ARGUMENT, details: `work_consumer_ids and cancel_consumer_ids: at most ${MAX_WAKE_IDS} each` });
        return;
      }
      target.hub.wake(workConsumerIds, cancelConsumerIds);
      callback(null, {});
    },
    CreateTasks: (call, callback) => {
      const refusal = refused(call);
      if (refusal) return callback(refusal);
      createTasks(call, callback);
    },
  };
}

export function addClusterService(server: grpc.Server, handlers: ClusterServiceHandlers): void {
  server.addService(loadClusterProtos().taskplane.v1.ClusterService.service, handlers);
}

/** Calls other servers' ClusterService: one channel per address, kept while the server runs. */
export class GrpcClusterSender implements WakeSender, CreateSender {
  private readonly clients = new Map<string, ClusterServiceClient>();
  private readonly metadata = new grpc.Metadata();
  private readonly protos = loadClusterProtos();

  constructor(secret: string, private readonly fromServerId: string) {
    this.metadata.set('authorization', `Bearer ${secret}`);
  }

  private client(address: string): ClusterServiceClient {
    let client = this.clients.get(address);
    if (!client) {
      client = new this.protos.taskplane.v1.ClusterService(address, grpc.credentials.createInsecure(), {
        'grpc.keepalive_time_ms': 30_000,
        'grpc.max_send_message_length': MAX_FORWARDED_CREATE_BYTES + 1024,
      });
      this.clients.set(address, client);
    }
    return client;
  }

  wake(address: string, request: { workConsumerIds: string[]; cancelConsumerIds: string[] }): Promise<void> {
    const client = this.client(address);
    const parts: Array<{ work: string[]; cancel: string[] }> = [];
    for (let i = 0; i < Math.max(request.workConsumerIds.length, request.cancelConsumerIds.length); i += MAX_WAKE_IDS) {
      parts.push({ work: request.workConsumerIds.slice(i, i + MAX_WAKE_IDS), cancel: request.cancelConsumerIds.slice(i, i + MAX_WAKE_IDS) });
    }
    return Promise.all(
      parts.map(
        (part) =>
          new Promise<void>((resolve, reject) =>
            client.wake({ fromServerId: this.fromServerId, workConsumerIds: part.work, cancelConsumerIds: part.cancel }, this.metadata, { deadline: Date.now() + WAKE_DEADLINE_MS }, (err) => (err ? reject(err) : resolve())),
          ),
      ),
    ).then(() => undefined);
  }

  /** Null when the create is too big to forward: the caller creates it itself. */
  createTasks(address: string, create: ForwardedCreate): Promise<CreatedThere> | null {
    const createJson = encodeForwardedCreate(create);
    if (createJson.length > MAX_FORWARDED_CREATE_BYTES) return null;
    return new Promise((resolve, reject) =>
      this.client(address).createTasks({ fromServerId: this.fromServerId, format: CREATE_FORMAT, createJson }, this.metadata, { deadline: Date.now() + CREATE_DEADLINE_MS }, (err, res) =>
        err ? reject(err) : resolve({ handed: new Set(res?.handedOffTaskIds ?? []), refused: new Map((res?.refused ?? []).map((r) => [r.taskId, { code: r.code === 'NOT_FOUND' ? 'NOT_FOUND' : 'FAILED_PRECONDITION', message: r.message }])) }),
      ),
    );
  }

  close(): void {
    for (const client of this.clients.values()) client.close();
    this.clients.clear();
  }
}
