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
 * How long a consumer's stream server, once read, is used before it is read
 * again (in the background). Streams rarely move; when one has, the old
 * server ignores the wake and the new one's poll finds the work.
 */
const OWNER_TTL_MS = 1_000;
const MAX_CACHED_OWNERS = 100_000;
/** The least time between two background reads of stale owners. */
const REFRESH_GAP_MS = 250;

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
  /** Cached owners due for a fresh read, and the read under way. */
  private readonly stale = new Set<string>();
  private refreshing: Promise<void> | null = null;
  private lastRefresh = 0;

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

  /**
   * The server holding each consumer's stream, if another one. A cached
   * owner is used at once, even when older than OWNER_TTL_MS, so no wake-up
   * waits on a read of an owner it knows; stale entries are read again in
   * the background. Only consumers never seen cost a read before the wake.
   */
  private async ownersOf(consumerIds: string[]): Promise<Map<string, { serverId: string; address: string }>> {
    const out = new Map<string, { serverId: string; address: string }>();
    const unknown: string[] = [];
    for (const id of consumerIds) {
      const cached = this.cachedOwner(id);
      if (cached) out.set(id, cached);
      else unknown.push(id);
    }
    this.refreshStale();
    if (unknown.length > 0) for (const [id, owner] of await this.readOwners(unknown)) out.set(id, owner);
    return out;
  }

  /**
   * The internal address of the server holding this consumer's stream, if
   * another one and already known (no read: a consumer not cached yet is
   * read at its first wake-up). A stale entry is still answered, and read
   * again in the background.
   */
  knownOwner(consumerId: string): string | null {
    if (this.stopped || this.options.isLocal(consumerId)) return null;
    const cached = this.cachedOwner(consumerId);
    this.refreshStale();
    return cached?.address ?? null;
  }

  /** The cached owner, marked for a background read when older than OWNER_TTL_MS. */
  private cachedOwner(consumerId: string): { serverId: string; address: string } | undefined {
    const cached = this.owners.get(consumerId);
    if (cached && Date.now() - cached.readAt >= OWNER_TTL_MS) this.stale.add(consumerId);
    return cached;
  }

  /**
   * Reads the owners of stale entries again, off the wake-up path: one read
   * at a time, at most one per REFRESH_GAP_MS, so a busy server reads its
   * owners in a few large reads rather than one small read per create.
   */
  private refreshStale(): void {
    if (this.refreshing || this.stale.size === 0 || this.stopped) return;
    const refresh = new Promise<void>((resolve) => setTimeout(resolve, Math.max(0, this.lastRefresh + REFRESH_GAP_MS - Date.now())))
      .then(() => {
        this.lastRefresh = Date.now();
        const ids = [...this.stale];
        this.stale.clear();
        return this.stopped || ids.length === 0 ? undefined : this.readOwners(ids);
      })
      .then(() => undefined, (err) => this.failed(err))
      .finally(() => {
        this.refreshing = null;
        this.flushes.delete(refresh);
      });
    this.refreshing = refresh;
    this.flushes.add(refresh);
  }


  /** One read of these consumers' stream servers into the cache; a consumer with no stream elsewhere leaves it. */
  private async readOwners(consumerIds: string[]): Promise<Map<string, { serverId: string; address: string }>> {
    const readAt = Date.now();
    const read = await streamServersOf(this.options.db, consumerIds, this.options.serverId);
    if (this.owners.size > MAX_CACHED_OWNERS) this.owners.clear();
    for (const id of consumerIds) {
      const owner = read.get(id);
      if (owner) this.owners.set(id, { ...owner, readAt });
      else this.owners.delete(id);
    }
    return read;
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
