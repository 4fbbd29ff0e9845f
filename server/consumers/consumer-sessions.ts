import type { Knex } from 'knex';
import type { Clock } from '../clock';
import type { Dialect } from '../store/database';
import { markSessionsSeen, releaseConsumer, sessionsOf, takeOverConsumer } from '../store/dispatch-store';
import { sessionFencesOf } from '../store/consumer-store';
import type { StoredCredentials } from './credentials';

/**
 * Which agent stream speaks for each consumer: the row
 * consumers.session_id, shared by every server. Newest wins: a new stream
 * takes the row over, and claims and hand-offs are fenced on it, so a
 * replaced stream, here or on another server, can no longer be sent work.
 */
export class ConsumerSessions {
  constructor(
    private readonly db: Knex,
    private readonly dialect: Dialect,
    private readonly clock: Clock,
    /** This server (servers.id): written beside each stream it takes over. */
    private readonly serverId: string,
  ) {}

  /**
   * Makes `sessionId` the consumer's live stream (online, seen now) and
   * keeps what its agent's hello offered (what CreateTask checks methods
   * against); false if the consumer is not registered.
   */
  takeOver(consumerId: string, sessionId: string, agent: { agentVersion: string; methods: Iterable<string> } | null = null): Promise<boolean> {
    const now = this.clock.now();
    const hello = agent && { agentVersion: agent.agentVersion, methods: [...agent.methods].sort(), helloTime: now };
    return takeOverConsumer(this.db, consumerId, sessionId, this.serverId, now, hello);
  }

  /** These live streams' agents were heard: their consumers were seen now (a stream replaced or released meanwhile is left alone). */
  seen(sessions: Array<{ consumerId: string; sessionId: string }>): Promise<void> {
    return markSessionsSeen(this.db, sessions, this.clock.now());
  }

  /** The stream ended: offline, unless a newer stream has taken over meanwhile. */
  release(consumerId: string, sessionId: string): Promise<void> {
    return releaseConsumer(this.db, consumerId, sessionId, this.clock.now());
  }

  /** The live session of each consumer (null: offline; absent: unregistered). */
  current(consumerIds: string[]): Promise<Map<string, string | null>> {
    return sessionsOf(this.db, this.dialect, consumerIds);
  }

  /** The live session and the credentials of each consumer (absent: unregistered), for the hub's fence check. */
  fences(consumerIds: string[]): Promise<Map<string, { sessionId: string | null; credentials: StoredCredentials }>> {
    return sessionFencesOf(this.db, consumerIds);
  }

  now(): number {
    return this.clock.now();
  }
}
