import type { Knex } from 'knex';
import type { Logger } from '../../common/log';
import { transactionWithRetry } from '../store/batching';
import { deleteServerLease, insertServerLease, lapsedServers, reapServer, releaseOrphanedSessions, renewServerLease } from '../store/server-store';

export interface ServerLeaseOptions {
  db: Knex;
  logger: Logger;
  serverId: string;
  /** Where other servers reach this one's ClusterService; null: nowhere (they rely on their poll). */
  internalAddress: string | null;
  /** How long a lease lasts without renewal (default 10 s). */
  leaseMs?: number;
  /** How often it is renewed, and lapsed ones looked for (default leaseMs / 5). */
  renewIntervalMs?: number;
  /** The lease was found reaped: end every stream this server holds (they are marked gone already). */
  onLost: () => void;
  /** Consumers another server's reaping marked offline: wake-ups for watchers, logs. */
  onReaped?: (serverId: string, consumerIds: string[]) => void;
}

/**
 * This server's lease in the servers table. Renewed on a timer; on each
 * tick it also reaps servers whose lease lapsed (they died or were paused
 * too long): one reaper wins each, marks the consumers whose streams that
 * server held offline, and from then on the surviving servers handle those
 * consumers' cancels (the 'abandon' path) and timeouts (every server's
 * sweep). A server that finds its own lease reaped ends its streams
 * (agents reconnect) and takes a new one.
 *
 * Leases run on real time, not the injected Clock, and compare times taken
 * on different servers: their clocks must agree to well within the lease.
 */
export class ServerLease {
  readonly leaseMs: number;
  readonly renewIntervalMs: number;
  private timer: NodeJS.Timeout | null = null;
  private tick: Promise<void> | null = null;
  private stopped = false;
  private holding = false;
  private ticks = 0;

  constructor(private readonly options: ServerLeaseOptions) {
    this.leaseMs = options.leaseMs ?? 10_000;
    this.renewIntervalMs = options.renewIntervalMs ?? Math.max(50, Math.floor(this.leaseMs / 5));
  }

  get serverId(): string {
    return this.options.serverId;
  }

  /** True while this server holds a lease: streams may attach. */
  get held(): boolean {
    return this.holding;
  }

  /** Takes the lease (before the server serves anything) and starts renewing it. */
  async start(): Promise<void> {
    await insertServerLease(this.options.db, this.options.serverId, this.options.internalAddress, Date.now(), this.leaseMs);
    this.holding = true;
    this.schedule();
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.tick = this.renewAndReap()
        .catch((err) => this.options.logger.error({ event: 'server.lease_failed', err }, 'could not renew the server lease or reap lapsed ones; retrying'))
        .finally(() => {
          this.tick = null;
          this.schedule();
        });
    }, this.renewIntervalMs);
    this.timer.unref();
  }

  /** One tick: renew (or notice the lease is gone and take a new one), then reap lapsed servers. */
  async renewAndReap(): Promise<void> {
    const { db, logger, serverId } = this.options;
    if (!(await renewServerLease(db, serverId, Date.now(), this.leaseMs))) {
      if (this.stopped) return;
      this.holding = false;
      logger.warn({ event: 'server.lease_lost', serverId }, 'this server lost its lease (it was unresponsive longer than the lease): ending its agent streams and taking a new lease');
      this.options.onLost();
      await insertServerLease(db, serverId, this.options.internalAddress, Date.now(), this.leaseMs);
      this.holding = true;
    }
    for (const lapsed of await lapsedServers(db, Date.now())) {
      const consumers = await transactionWithRetry(db, (trx) => reapServer(trx, lapsed, Date.now()));
      if (consumers === null) continue; // another server reaped it first, or it renewed
      logger.warn({ event: 'server.reaped', reapedServerId: lapsed, consumers: consumers.length }, 'a server lease lapsed: its agent streams are marked gone');
      this.options.onReaped?.(lapsed, consumers);
    }
    // Rare (a stream attaching while its server's lease is reaped), so looked for once a lease period.
    if (++this.ticks % Math.max(1, Math.round(this.leaseMs / this.renewIntervalMs)) !== 0) return;
    const orphaned = await transactionWithRetry(db, (trx) => releaseOrphanedSessions(trx, Date.now()));
    if (orphaned.length) {
      logger.info({ event: 'server.orphaned_sessions_released', consumers: orphaned.length }, 'streams recorded on servers without a lease marked gone');
      this.options.onReaped?.('', orphaned);
    }
  }

  /** Stops renewing and gives the lease up (after the server released its streams). */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.tick;
    this.holding = false;
    await deleteServerLease(this.options.db, this.options.serverId).catch((err) =>
      this.options.logger.warn({ event: 'server.lease_release_failed', err }, 'could not give up the server lease; it lapses on its own'),
    );
  }
}
