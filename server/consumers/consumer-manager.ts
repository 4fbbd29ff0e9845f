import crypto from 'node:crypto';
import type { Knex } from 'knex';
import { AlreadyExistsError, InvalidArgumentError, NotFoundError } from '../errors';
import type { Clock } from '../clock';
import type { Logger } from '../../shared/log';
import type { PageTokens } from '../paging';
import { isUniqueViolation } from '../store/database';
import {
  credentialHashOf,
  deleteConsumerRow,
  findConsumer,
  hasHistory,
  insertConsumer,
  insertHistoryEvents,
  listConsumers,
  listHistory,
  type HistoryFilter,
} from '../store/consumer-store';
import type { TaskLifecycle } from '../tasks/lifecycle';
import { optionalText, requireConsumerId, validateLabels } from '../validation';
import { HISTORY_TYPES, type ConsumerRecord, type HistoryEventRecord } from './consumer-record';

export interface RegisterConsumerInput {
  consumerId: string;
  displayName: string;
  labels: Record<string, string>;
}

/** The consumer logic behind ConsumerService (and agent authentication), over the store. No gRPC here. */
export class ConsumerManager {
  constructor(
    private readonly db: Knex,
    private readonly clock: Clock,
    private readonly lifecycle: TaskLifecycle,
    private readonly pageTokens: PageTokens,
    private readonly logger: Logger,
  ) {}

  /** Returns the consumer and its credential. Only the credential's hash is stored, so this is the only time it is seen. */
  async register(input: RegisterConsumerInput): Promise<{ consumer: ConsumerRecord; credential: string }> {
    requireConsumerId('consumer_id', input.consumerId);
    optionalText('display_name', input.displayName, 255);
    validateLabels('labels', input.labels);
    const consumer: ConsumerRecord = {
      id: input.consumerId,
      displayName: input.displayName || input.consumerId,
      labels: input.labels,
      createTime: this.clock.now(),
    };
    const credential = `tpc_${crypto.randomBytes(32).toString('base64url')}`;
    try {
      await this.db.transaction(async (trx) => {
        await insertConsumer(trx, consumer, hashCredential(credential));
        await insertHistoryEvents(trx, [
          { consumerId: consumer.id, type: HISTORY_TYPES.REGISTERED, eventTime: consumer.createTime, taskId: null, detailsJson: JSON.stringify({ display_name: consumer.displayName, labels: consumer.labels }) },
        ]);
      });
    } catch (err) {
      if (isUniqueViolation(err)) throw new AlreadyExistsError('consumer_id', `consumer "${consumer.id}" is already registered`);
      throw err;
    }
    this.logger.info({ event: 'consumer.registered', consumerId: consumer.id }, 'consumer registered');
    return { consumer, credential };
  }

  async get(consumerId: string): Promise<ConsumerRecord> {
    requireConsumerId('consumer_id', consumerId);
    const consumer = await findConsumer(this.db, consumerId);
    if (!consumer) throw new NotFoundError('consumer', consumerId, 'consumer_id');
    return consumer;
  }

  async list(labels: Record<string, string>, pageSize: number, pageToken: string): Promise<{ consumers: ConsumerRecord[]; nextPageToken: string }> {
    const afterId = this.pageTokens.decode<string>('page_token', pageToken, labels, 'string');
    const rows = await listConsumers(this.db, labels, afterId, pageSize + 1);
    const more = rows.length > pageSize;
    const page = more ? rows.slice(0, pageSize) : rows;
    return { consumers: page, nextPageToken: more ? this.pageTokens.encode(page[page.length - 1].id, labels) : '' };
  }

  /**
   * Unregisters: the credential stops working, its unfinished tasks end
   * CANCELED (its agent's stream is closed by the hub's next poll), and
   * "unregistered" is recorded, all in one transaction. History is kept.
   */
  async delete(consumerId: string): Promise<void> {
    requireConsumerId('consumer_id', consumerId);
    const cause = 'consumer unregistered';
    const tasksCanceled = await this.lifecycle.transaction(async (tx) => {
      if (!(await deleteConsumerRow(tx.trx, consumerId))) throw new NotFoundError('consumer', consumerId, 'consumer_id');
      // Its agent can no longer connect to be asked, so tasks it holds end here too.
      const ended = await tx.endAllOf(consumerId, cause);
      await insertHistoryEvents(tx.trx, [{ consumerId, type: HISTORY_TYPES.UNREGISTERED, eventTime: tx.now, taskId: null, detailsJson: '{}' }]);
      return ended;
    });
    this.logger.info({ event: 'consumer.unregistered', consumerId, tasksCanceled }, 'consumer unregistered');
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

  /** True when `credential` is the one issued to this (still registered) consumer. */
  async verifyCredential(consumerId: string, credential: string): Promise<boolean> {
    const stored = await credentialHashOf(this.db, consumerId);
    if (!stored || !credential) return false;
    const given = Buffer.from(hashCredential(credential), 'hex');
    const expected = Buffer.from(stored, 'hex');
    return given.length === expected.length && crypto.timingSafeEqual(given, expected);
  }
}

/**
 * The credential is 256 random bits, so a plain SHA-256 is enough: there is
 * nothing to brute-force, and a slow KDF would only slow every agent connect.
 */
function hashCredential(credential: string): string {
  return crypto.createHash('sha256').update(credential).digest('hex');
}
