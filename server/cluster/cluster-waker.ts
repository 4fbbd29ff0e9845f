import type { Knex } from 'knex';
import type { Logger } from '../../common/log';
import type { ChangeNotifier } from '../notifier';
import { streamServersOf } from '../store/server-store';

/** Sends one server's wake-ups (server/grpc/cluster-client.ts). */
export interface WakeSender {
  wake(address: string, request: { workConsumerIds: string[]; cancelConsumerIds: string[] }): Promise<void>;
  close(): void;
}

export interface ClusterWakerOptions {
  db: Knex;
  notifier: ChangeNotifier;
  logger: Logger;
  serverId: string;
  sender: WakeSender;
  /** True when the consumer's live stream is on this server (then the local dispatcher is woken already). */
  isLocal: (consumerId: string) => boolean;
}

/** Wake-up lookups and calls in flight at once; more wait and are merged into the next round. */
const MAX_IN_FLIGHT = 2;
/**
 * How long a consumer's stream server, once read, is used without reading
 * it again. Streams rarely move; when one has, the old server ignores the
 * wake and the new one's poll finds the work.
 */
const OWNER_TTL_MS = 1_000;
const MAX_CACHED_OWNERS = 100_000;

/**
 * Cross-server wake-up: after a commit here made work or a cancellation for
 * a consumer whose stream is on another server, that server is called
 * directly (ClusterService.Wake) so it claims or delivers at once instead of
 * at its next poll. Wake-ups that arrive together are coalesced: one lookup
 * of the owning servers, one call per server. Failures are logged and
 * otherwise ignored: the owner's poll is the safety net.
 */
export class ClusterWaker {
  private work = new Set<string>();
  private cancels = new Set<string>();
  private scheduled = false;
  private inFlight = 0;
  private readonly flushes = new Set<Promise<void>>();
  private stopped = false;
  private readonly unsubscribe: Array<() => void>;
  private lastFailureLog = 0;
  private readonly owners = new Map<string, { serverId: string; address: string; readAt: number }>();
  private failuresSinceLog = 0;

  constructor(private readonly options: ClusterWakerOptions) {
    this.unsubscribe = [
      options.notifier.onConsumerWork((id) => this.add(this.work, id)),
      options.notifier.onCancelRequested((id) => this.add(this.cancels, id)),
    ];
  }

  private add(set: Set<string>, consumerId: string): void {
    if (this.stopped || this.options.isLocal(consumerId)) return;
    set.add(consumerId);
    this.kick();
  }

  private kick(): void {
    if (this.scheduled || this.inFlight >= MAX_IN_FLIGHT || (this.work.size === 0 && this.cancels.size === 0)) return;
    this.scheduled = true;
    // The end of this event-loop turn: wake-ups of one commit (or of commits
    // finishing together) leave as one round.
    setImmediate(() => {
      this.scheduled = false;
      if (this.stopped) return;
      const work = [...this.work];
      const cancels = [...this.cancels];
      this.work = new Set();
      this.cancels = new Set();
      this.inFlight++;
      const flush = this.flush(work, cancels).finally(() => {
        this.inFlight--;
        this.flushes.delete(flush);
        this.kick();
      });
      this.flushes.add(flush);
    });
  }

  private async flush(work: string[], cancels: string[]): Promise<void> {
    try {
      const owners = await this.ownersOf([...new Set([...work, ...cancels])]);
      const byAddress = new Map<string, { workConsumerIds: string[]; cancelConsumerIds: string[] }>();
      const entry = (address: string) => {
        let e = byAddress.get(address);
        if (!e) byAddress.set(address, (e = { workConsumerIds: [], cancelConsumerIds: [] }));
        return e;
      };
      for (const id of work) {
        const owner = owners.get(id);
        if (owner) entry(owner.address).workConsumerIds.push(id);
      }
      for (const id of cancels) {
        const owner = owners.get(id);
        if (owner) entry(owner.address).cancelConsumerIds.push(id);
      }
      const results = await Promise.allSettled([...byAddress].map(([address, request]) => this.options.sender.wake(address, request)));
      for (const r of results) if (r.status === 'rejected') this.failed(r.reason);
    } catch (err) {
      this.failed(err);
    }
  }

  /** The server holding each consumer's stream, if another one: from the cache while fresh, else one read for the rest. */
  private async ownersOf(consumerIds: string[]): Promise<Map<string, { serverId: string; address: string }>> {
    const now = Date.now();
    const out = new Map<string, { serverId: string; address: string }>();
    const unknown: string[] = [];
    for (const id of consumerIds) {
      const cached = this.owners.get(id);
      if (cached && now - cached.readAt < OWNER_TTL_MS) out.set(id, cached);
      else unknown.push(id);
    }
    if (unknown.length === 0) return out;
    const read = await streamServersOf(this.options.db, unknown, this.options.serverId);
    if (this.owners.size > MAX_CACHED_OWNERS) this.owners.clear();
    for (const [id, owner] of read) {
      out.set(id, owner);
      this.owners.set(id, { ...owner, readAt: now });
    }
    return out;
  }

  /** One log line per interval, not per failure: a dead server's address fails until its lease is reaped. */
  private failed(err: unknown): void {
    this.failuresSinceLog++;
    const now = Date.now();
    if (now - this.lastFailureLog < 10_000) return;
    this.options.logger.warn({ event: 'cluster.wake_failed', failures: this.failuresSinceLog, err: { message: (err as Error)?.message } }, 'could not wake another server; its poll picks the work up');
    this.lastFailureLog = now;
    this.failuresSinceLog = 0;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const off of this.unsubscribe) off();
    await Promise.allSettled([...this.flushes]);
    this.options.sender.close();
  }
}
