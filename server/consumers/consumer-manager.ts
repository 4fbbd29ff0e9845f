import type { Knex } from 'knex';
import { AlreadyExistsError, FailedPreconditionError, InvalidArgumentError, NotFoundError, UnauthenticatedError } from '../errors';
import type { Clock } from '../clock';
import type { Logger } from '../../common/log';
import type { PageTokens } from '../paging';
import { insertAuditEvents } from '../store/audit-store';
import { isUniqueViolation, type Dialect } from '../store/database';
import { pauseSchedules, unpausedSchedulesTargeting } from '../store/schedule-store';
import {
  credentialsOf,
  deleteConsumerRow,
  findConsumer,
  hasHistory,
  insertConsumer,
  insertHistoryEvents,
  listConsumers,
  listHistory,
  setCredentials,
  type HistoryFilter,
} from '../store/consumer-store';
import type { TaskLifecycle } from '../tasks/lifecycle';
import type { Caller } from '../security/principal';
import { assertConsumersInScope } from '../security/scope';
import { optionalText, requireConsumerId, validateLabels } from '../validation';
import { HISTORY_TYPES, type ConsumerRecord, type HistoryEventRecord } from './consumer-record';
import { DEFAULT_ROTATION_GRACE_MS, hashCredential, matchCredential, MAX_ROTATION_GRACE_MS, newCredential, validHashes, type AgentProof } from './credentials';
import type { ConsumerSelector } from './selector';

export interface RegisterConsumerInput {
  consumerId: string;
  displayName: string;
  labels: Record<string, string>;
}

/** The consumer logic behind ConsumerService (and agent authentication), over the store. No gRPC here. */
export class ConsumerManager {
  constructor(
    private readonly db: Knex,
    private readonly dialect: Dialect,
    private readonly clock: Clock,
    private readonly lifecycle: TaskLifecycle,
    private readonly pageTokens: PageTokens,
    private readonly logger: Logger,
  ) {}

  /** Returns the consumer and its credential. Only the credential's hash is stored, so this is the only time it is seen. */
  async register(input: RegisterConsumerInput, caller: Caller): Promise<{ consumer: ConsumerRecord; credential: string }> {
    requireConsumerId('consumer_id', input.consumerId);
    optionalText('display_name', input.displayName, 255);
    validateLabels('labels', input.labels);
    assertConsumersInScope(caller.principal, 'consumers.manage', [{ id: input.consumerId, labels: input.labels }]);
    const consumer: ConsumerRecord = {
      id: input.consumerId,
      displayName: input.displayName || input.consumerId,
      labels: input.labels,
      createTime: this.clock.now(),
    };
    const credential = newCredential();
    try {
      await this.db.transaction(async (trx) => {
        await insertConsumer(trx, consumer, hashCredential(credential));
        await insertHistoryEvents(trx, [
          { consumerId: consumer.id, type: HISTORY_TYPES.REGISTERED, eventTime: consumer.createTime, taskId: null, detailsJson: JSON.stringify({ display_name: consumer.displayName, labels: consumer.labels }) },
        ]);
        await insertAuditEvents(trx, [caller.auditEvent(`consumer/${consumer.id}`, consumer.createTime, { labels: consumer.labels })]);
      });
    } catch (err) {
      if (isUniqueViolation(err)) throw new AlreadyExistsError('consumer_id', `consumer "${consumer.id}" is already registered`);
      throw err;
    }
    caller.recorded = true;
    this.logger.info({ event: 'consumer.registered', consumerId: consumer.id, by: caller.principal.id }, 'consumer registered');
    return { consumer: { ...consumer, online: false, credentialRevoked: false, previousCredentialExpireTime: null }, credential };
  }

  async get(consumerId: string): Promise<ConsumerRecord> {
    requireConsumerId('consumer_id', consumerId);
    const consumer = await findConsumer(this.db, consumerId);
    if (!consumer) throw new NotFoundError('consumer', consumerId, 'consumer_id');
    return consumer;
  }

  async list(selector: ConsumerSelector, pageSize: number, pageToken: string): Promise<{ consumers: ConsumerRecord[]; nextPageToken: string }> {
    const afterId = this.pageTokens.decode<string>('page_token', pageToken, selector, 'string');
    const rows = await listConsumers(this.db, selector, afterId, pageSize + 1);
    const more = rows.length > pageSize;
    const page = more ? rows.slice(0, pageSize) : rows;
    return { consumers: page, nextPageToken: more ? this.pageTokens.encode(page[page.length - 1].id, selector) : '' };
  }

  /**
   * Unregisters: the credential stops working, its unfinished tasks end
   * CANCELED (its agent's stream is closed by the hub's next poll), and
   * "unregistered" is recorded, all in one transaction. History is kept.
   *
   * A consumer that unpaused schedules target by id is refused (their fires
   * would reach no one), naming them, unless `force`: then those schedules
   * are paused in the same transaction and returned. A paused schedule does
   * not fire, so it does not hold the delete up.
   */
  async delete(consumerId: string, force: boolean, caller: Caller): Promise<{ pausedScheduleIds: string[] }> {
    const consumer = await this.get(consumerId);
    assertConsumersInScope(caller.principal, 'consumers.manage', [consumer]);
    const cause = 'consumer unregistered';
    const { tasksCanceled, paused } = await this.lifecycle.transaction(async (tx) => {
      const targeting = (await unpausedSchedulesTargeting(tx.trx, consumerId)).map((s) => s.id);
      if (targeting.length && !force) {
        throw new FailedPreconditionError(
          `consumer "${consumerId}" is the target of ${targeting.length === 1 ? 'schedule' : 'schedules'} ${targeting.map((id) => `"${id}"`).join(', ')}; delete or pause ${targeting.length === 1 ? 'it' : 'them'} first, or force the delete (which pauses ${targeting.length === 1 ? 'it' : 'them'})`,
        );
      }
      if (!(await deleteConsumerRow(tx.trx, consumerId))) throw new NotFoundError('consumer', consumerId, 'consumer_id');
      await pauseSchedules(tx.trx, targeting, tx.now);
      // Its agent can no longer connect to be asked, so tasks it holds end here too.
      const ended = await tx.endAllOf(consumerId, cause);
      await insertHistoryEvents(tx.trx, [{ consumerId, type: HISTORY_TYPES.UNREGISTERED, eventTime: tx.now, taskId: null, detailsJson: '{}' }]);
      await insertAuditEvents(tx.trx, [caller.auditEvent(`consumer/${consumerId}`, tx.now, { tasks_canceled: ended, ...(targeting.length ? { paused_schedules: targeting } : {}) })]);
      return { tasksCanceled: ended, paused: targeting };
    });
    caller.recorded = true;
    if (paused.length) this.logger.warn({ event: 'schedule.paused', scheduleIds: paused, consumerId, by: caller.principal.id }, 'schedules paused: the consumer they target was deleted (forced)');
    this.logger.info({ event: 'consumer.unregistered', consumerId, tasksCanceled, pausedSchedules: paused.length || undefined, by: caller.principal.id }, 'consumer unregistered');
    return { pausedScheduleIds: paused };
  }

  /**
   * A new credential (returned once) for the consumer's agent; the previous
   * one keeps working for `graceMs` (default 24 h) so a fleet can roll.
   * Only the latest previous credential lives on: rotating again within the
   * grace period ends the older one at once.
   */
  async rotateCredential(consumerId: string, graceMs: number | null, caller: Caller): Promise<{ consumer: ConsumerRecord; credential: string; previousExpireTime: number | null }> {
    const grace = graceMs ?? DEFAULT_ROTATION_GRACE_MS;
    if (grace < 0 || grace > MAX_ROTATION_GRACE_MS) throw new InvalidArgumentError('grace_duration', 'must be between 0s and 30 days');
    const consumer = await this.get(consumerId);
    assertConsumersInScope(caller.principal, 'consumers.manage', [consumer]);
    const credential = newCredential();
    const now = this.clock.now();
    const previousExpireTime = await this.db.transaction(async (trx) => {
      const stored = await credentialsOf(trx, consumerId, this.dialect);
      if (!stored) throw new NotFoundError('consumer', consumerId, 'consumer_id');
      // A revoked credential is not kept for a grace period: it stays ended.
      const previous = grace > 0 && stored.current ? stored.current : null;
      const expire = previous ? now + grace : null;
      await setCredentials(trx, consumerId, { current: hashCredential(credential), previous, previousExpireTime: expire });
      await insertAuditEvents(trx, [caller.auditEvent(`consumer/${consumerId}`, now, { previous_credential_expire_time: expire === null ? null : new Date(expire).toISOString() })]);
      return expire;
    });
    caller.recorded = true;
    this.logger.info({ event: 'consumer.credential_rotated', consumerId, graceMs: grace, by: caller.principal.id }, 'consumer credential rotated');
    return { consumer: await this.get(consumerId), credential, previousExpireTime };
  }

  /**
   * Ends the consumer's credentials at once (or only the one kept by the last
   * rotation). Its agent's stream, if proven by a credential that no longer
   * holds, ends at the hub's next fence check with UNAUTHENTICATED; after a
   * full revocation certificate-proven streams end too, and nothing connects
   * until a rotation issues a new credential.
   */
  async revokeCredential(consumerId: string, previousOnly: boolean, caller: Caller): Promise<ConsumerRecord> {
    const consumer = await this.get(consumerId);
    assertConsumersInScope(caller.principal, 'consumers.manage', [consumer]);
    const now = this.clock.now();
    const changed = await this.db.transaction(async (trx) => {
      const stored = await credentialsOf(trx, consumerId, this.dialect);
      if (!stored) throw new NotFoundError('consumer', consumerId, 'consumer_id');
      const next = previousOnly ? { ...stored, previous: null, previousExpireTime: null } : { current: null, previous: null, previousExpireTime: null };
      if (validHashes(next, now).join() === validHashes(stored, now).join()) return false;
      await setCredentials(trx, consumerId, next);
      await insertAuditEvents(trx, [caller.auditEvent(`consumer/${consumerId}`, now, { previous_only: previousOnly })]);
      return true;
    });
    if (changed) {
      caller.recorded = true;
      this.logger.info({ event: 'consumer.credential_revoked', consumerId, previousOnly, by: caller.principal.id }, 'consumer credential revoked');
    }
    return this.get(consumerId);
  }

  async history(consumerId: string, filter: HistoryFilter, pageSize: number, pageToken: string): Promise<{ events: HistoryEventRecord[]; nextPageToken: string }> {
    requireConsumerId('consumer_id', consumerId);
    if (filter.types?.some((t) => !t)) throw new InvalidArgumentError('types', 'must not contain an empty type');
    const tokenFilter = { consumerId, ...filter };
    const beforeId = this.pageTokens.decode<number>('page_token', pageToken, tokenFilter, 'number');
    const rows = await listHistory(this.db, consumerId, filter, beforeId, pageSize + 1);
    if (rows.length === 0 && beforeId === null && !(await findConsumer(this.db, consumerId)) && !(await hasHistory(this.db, consumerId))) {
      throw new NotFoundError('consumer', consumerId, 'consumer_id');
    }
    const more = rows.length > pageSize;
    const page = more ? rows.slice(0, pageSize) : rows;
    return { events: page, nextPageToken: more ? this.pageTokens.encode(page[page.length - 1].id, tokenFilter) : '' };
  }

  /** True when `credential` is one of this (still registered) consumer's valid credentials. */
  async verifyCredential(consumerId: string, credential: string): Promise<boolean> {
    const stored = await credentialsOf(this.db, consumerId);
    return stored !== null && matchCredential(stored, credential, this.clock.now()) !== null;
  }

  /**
   * Proves an agent: its bearer credential must be one of the consumer's
   * valid ones; without one, a verified client certificate whose subject CN
   * is the consumer id stands in, as long as the consumer's credentials are
   * not revoked. One answer for an unknown consumer and a wrong credential,
   * so a refusal does not reveal which consumers exist.
   */
  async authenticateAgent(consumerId: string, credential: string | null, certificateCommonName: string | null): Promise<AgentProof> {
    const stored = await credentialsOf(this.db, consumerId);
    const now = this.clock.now();
    if (credential !== null) {
      const hash = stored ? matchCredential(stored, credential, now) : null;
      if (!hash) throw new UnauthenticatedError(`invalid credential for consumer "${consumerId}"`, `consumer:${consumerId}`, consumerId);
      return { kind: 'credential', hash };
    }
    if (certificateCommonName === null) throw new UnauthenticatedError('missing "authorization: Bearer <credential>" metadata (or a client certificate whose subject CN is the consumer id)', `consumer:${consumerId}`, consumerId);
    if (certificateCommonName !== consumerId) throw new UnauthenticatedError(`the client certificate names "${certificateCommonName}", not consumer "${consumerId}"; send its credential instead`, `consumer:${consumerId}`, consumerId);
    if (!stored || validHashes(stored, now).length === 0) throw new UnauthenticatedError(`consumer "${consumerId}" is not registered or its credentials were revoked`, `consumer:${consumerId}`, consumerId);
    return { kind: 'certificate', subject: `CN=${certificateCommonName}` };
  }
}
