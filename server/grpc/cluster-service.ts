import crypto from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import type { AgentHub } from '../agents/agent-hub';
import type { Logger } from '../../common/log';
import { loadClusterProtos } from '../../protos/loader';
import type { ClusterServiceHandlers, ClusterServiceClient } from '../../protos/generated/taskplane/v1/ClusterService';
import type { WakeSender } from '../cluster/cluster-waker';

/** A Wake names at most this many consumers per list (a sender splits bigger rounds). */
export const MAX_WAKE_IDS = 10_000;
const WAKE_DEADLINE_MS = 2_000;

/** ClusterService, served on the internal address only: wake-ups from other servers of this installation. */
export function clusterServiceHandlers(hub: AgentHub, secret: string, logger: Logger): ClusterServiceHandlers {
  const expected = Buffer.from(`Bearer ${secret}`);
  return {
    Wake: (call, callback) => {
      const presented = Buffer.from(String(call.metadata.get('authorization')[0] ?? ''));
      if (presented.length !== expected.length || !crypto.timingSafeEqual(presented, expected)) {
        logger.warn({ event: 'cluster.unauthenticated', peer: call.getPeer() }, 'ClusterService call without the cluster secret refused');
        callback({ code: grpc.status.UNAUTHENTICATED, details: 'ClusterService is for taskplane servers of this installation only' });
        return;
      }
      const { workConsumerIds, cancelConsumerIds } = call.request;
      if (workConsumerIds.length > MAX_WAKE_IDS || cancelConsumerIds.length > MAX_WAKE_IDS) {
        callback({ code: grpc.status.INVALID_ARGUMENT, details: `work_consumer_ids and cancel_consumer_ids: at most ${MAX_WAKE_IDS} each` });
        return;
      }
      hub.wake(workConsumerIds, cancelConsumerIds);
      callback(null, {});
    },
  };
}

export function addClusterService(server: grpc.Server, handlers: ClusterServiceHandlers): void {
  server.addService(loadClusterProtos().taskplane.v1.ClusterService.service, handlers);
}

/** Calls other servers' ClusterService: one channel per address, kept while the server runs. */
export class GrpcWakeSender implements WakeSender {
  private readonly clients = new Map<string, ClusterServiceClient>();
  private readonly metadata = new grpc.Metadata();
  private readonly protos = loadClusterProtos();

  constructor(secret: string, private readonly fromServerId: string) {
    this.metadata.set('authorization', `Bearer ${secret}`);
  }

  wake(address: string, request: { workConsumerIds: string[]; cancelConsumerIds: string[] }): Promise<void> {
    let client = this.clients.get(address);
    if (!client) {
      client = new this.protos.taskplane.v1.ClusterService(address, grpc.credentials.createInsecure(), { 'grpc.keepalive_time_ms': 30_000 });
      this.clients.set(address, client);
    }
    const parts: Array<{ work: string[]; cancel: string[] }> = [];
    for (let i = 0; i < Math.max(request.workConsumerIds.length, request.cancelConsumerIds.length); i += MAX_WAKE_IDS) {
      parts.push({ work: request.workConsumerIds.slice(i, i + MAX_WAKE_IDS), cancel: request.cancelConsumerIds.slice(i, i + MAX_WAKE_IDS) });
    }
    return Promise.all(
      parts.map(
        (part) =>
          new Promise<void>((resolve, reject) =>
            client!.wake({ fromServerId: this.fromServerId, workConsumerIds: part.work, cancelConsumerIds: part.cancel }, this.metadata, { deadline: Date.now() + WAKE_DEADLINE_MS }, (err) => (err ? reject(err) : resolve())),
          ),
      ),
    ).then(() => undefined);
  }

  close(): void {
    for (const client of this.clients.values()) client.close();
    this.clients.clear();
  }
}
