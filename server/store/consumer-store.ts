import type { Knex } from 'knex';
import type { AgentHelloRecord, ConsumerRecord, HistoryEventRecord } from '../consumers/consumer-record';
import type { StoredCredentials } from '../consumers/credentials';
import type { ConsumerSelector } from '../consumers/selector';
import type { Dialect } from './database';
import { insertChunked } from './task-store';

/** Every SQL statement about consumers and their history, one named function each. */

type Row = Record<string, any>;

function rowToConsumer(row: Row): ConsumerRecord {
  return {
    id: row.id,
    displayName: row.display_name,
    labels: JSON.parse(row.labels_json),
    createTime: Number(row.create_time),
    lastSeenTime: row.last_seen_time == null ? null : Number(row.last_seen_time),
    online: row.session_id != null,
    credentialRevoked: row.credential_hash === REVOKED,
    previousCredentialExpireTime: row.previous_credential_hash != null && row.previous_credential_expire_time != null ? Number(row.previous_credential_expire_time) : null,
    agent: rowToAgentHello(row),
  };
}

function rowToAgentHello(row: Row): AgentHelloRecord | null {
  if (row.hello_time == null) return null;
  return { agentVersion: row.agent_version ?? '', methods: JSON.parse(row.agent_methods_json ?? '[]'), helloTime: Number(row.hello_time) };
}

/** The columns that keep an agent's last hello, as takeOverConsumer writes them. */
export function agentHelloColumns(hello: AgentHelloRecord): Row {
  return { agent_version: hello.agentVersion, agent_methods_json: JSON.stringify(hello.methods), hello_time: hello.helloTime };
}

// consumers.credential_hash is NOT NULL (older servers read it): a revoked credential is the empty string, which no hash equals.
const REVOKED = '';

function rowToCredentials(row: Row): StoredCredentials {
  return {
    current: row.credential_hash === REVOKED ? null : row.credential_hash,
    previous: row.previous_credential_hash ?? null,
    previousExpireTime: row.previous_credential_expire_time == null ? null : Number(row.previous_credential_expire_time),
  };
}

const CREDENTIAL_COLUMNS = ['credential_hash', 'previous_credential_hash', 'previous_credential_expire_time'];

export function rowToHistory(row: Row): HistoryEventRecord {
  return {
    id: Number(row.id),
    consumerId: row.consumer_id,
    type: row.type,
    eventTime: Number(row.event_time),
    taskId: row.task_id ?? null,
    detailsJson: row.details_json,
  };
}

export async function insertConsumer(trx: Knex.Transaction, consumer: ConsumerRecord, credentialHash: string): Promise<void> {
  await trx('consumers').insert({
    id: consumer.id,
    display_name: consumer.displayName,
    labels_json: JSON.stringify(consumer.labels),
    credential_hash: credentialHash,
    create_time: consumer.createTime,
    last_seen_time: null,
  });
  const labels = Object.entries(consumer.labels).map(([key, value]) => ({ consumer_id: consumer.id, label_key: key, label_value: value }));
  await insertChunked(trx, 'consumer_labels', labels, 500);
}

export async function findConsumer(db: Knex, id: string): Promise<ConsumerRecord | null> {
  const row = await db('consumers').where({ id }).first();
  return row ? rowToConsumer(row) : null;
}

export async function consumerExists(db: Knex, id: string): Promise<boolean> {
  return (await db('consumers').select('id').where({ id }).first()) !== undefined;
}

/**
 * The registered consumers among `ids`, each with its agent's last hello
 * (null: never connected). One read by primary key per 500: it replaces the
 * existence check on the create path, so knowing the methods costs no
 * extra query.
 */
export async function agentHellosOf(db: Knex, ids: string[]): Promise<Map<string, AgentHelloRecord | null>> {
  const found = new Map<string, AgentHelloRecord | null>();
  for (let i = 0; i < ids.length; i += 500) {
    const rows = await db('consumers').select('id', 'agent_version', 'agent_methods_json', 'hello_time').whereIn('id', ids.slice(i, i + 500));
    for (const r of rows) found.set(r.id, rowToAgentHello(r));
  }
  return found;
}

/** Consumer labels with key `key` (and, if given, one of `values`), of the consumer of the outer query. */
function labelOf(db: Knex, key: string, values: string[] | null) {
  return function labelMatches(this: Knex.QueryBuilder) {
    this.select(db.raw('1')).from('consumer_labels').whereRaw('consumer_labels.consumer_id = consumers.id').andWhere({ label_key: key });
    if (values) this.whereIn('label_value', values);
  };
}

/**
 * "web-*" as a LIKE pattern: the glob's wildcards become LIKE's, LIKE's own
 * become literal, escaped with "!" (a backslash means different things to
 * MySQL's and SQLite's string literals).
 */
function likePattern(glob: string): string {
  return glob.replace(/[!%_]/g, (c) => `!${c}`).replace(/\*/g, '%').replace(/\?/g, '_');
}

/** What a selector means, in one place (server/consumers/selector.ts): every term holds, and the id matches the glob. */
function matching(q: Knex.QueryBuilder, db: Knex, selector: ConsumerSelector): Knex.QueryBuilder {
  for (const term of selector.terms) {
    if (term.op === 'in') q.whereExists(labelOf(db, term.key, term.values));
    else if (term.op === 'notin') q.whereNotExists(labelOf(db, term.key, term.values));
    else if (term.op === 'exists') q.whereExists(labelOf(db, term.key, null));
    else q.whereNotExists(labelOf(db, term.key, null));
  }
  if (selector.idPattern) q.whereRaw("consumers.id LIKE ? ESCAPE '!'", [likePattern(selector.idPattern)]);
  return q;
}

/** Ordered by id, strictly after the cursor. */
export async function listConsumers(db: Knex, selector: ConsumerSelector, afterId: string | null, limit: number): Promise<ConsumerRecord[]> {
  const q = db('consumers').select('consumers.*').orderBy('consumers.id', 'asc').limit(limit);
  if (afterId !== null) q.where('consumers.id', '>', afterId);
  return (await matching(q, db, selector)).map(rowToConsumer);
}

/** True if the consumer is registered and matches `selector`. */
export async function consumerMatches(db: Knex, consumerId: string, selector: ConsumerSelector): Promise<boolean> {
  return (await matching(db('consumers').select('consumers.id').where('consumers.id', consumerId), db, selector).first()) !== undefined;
}

/** Removes the consumer and its labels; false if it was not there. */
export async function deleteConsumerRow(trx: Knex.Transaction, id: string): Promise<boolean> {
  const deleted = await trx('consumers').where({ id }).delete();
  await trx('consumer_labels').where({ consumer_id: id }).delete();
  return deleted === 1;
}

/** The consumer's credential hashes; null if it is not registered. With `lockFor` 'mysql', the row is locked for a rotation (SQLite has one writer). */
export async function credentialsOf(db: Knex, id: string, lockFor: Dialect | null = null): Promise<StoredCredentials | null> {
  const q = db('consumers').select(CREDENTIAL_COLUMNS).where({ id });
  if (lockFor === 'mysql') q.forUpdate();
  const row = await q.first();
  return row ? rowToCredentials(row) : null;
}

/** Replaces the consumer's credential hashes (current null: revoked). */
export async function setCredentials(trx: Knex.Transaction, id: string, credentials: StoredCredentials): Promise<boolean> {
  const changed = await trx('consumers')
    .where({ id })
    .update({
      credential_hash: credentials.current ?? REVOKED,
      previous_credential_hash: credentials.previous,
      previous_credential_expire_time: credentials.previous === null ? null : credentials.previousExpireTime,
    });
  return changed === 1;
}

/** For each registered consumer among `ids`: its live session (null: offline) and its credentials; absent: unregistered. */
export async function sessionFencesOf(db: Knex, ids: string[]): Promise<Map<string, { sessionId: string | null; credentials: StoredCredentials }>> {
  const out = new Map<string, { sessionId: string | null; credentials: StoredCredentials }>();
  for (let i = 0; i < ids.length; i += 500) {
    const rows = await db('consumers').select(['id', 'session_id', ...CREDENTIAL_COLUMNS]).whereIn('id', ids.slice(i, i + 500));
    for (const row of rows) out.set(row.id, { sessionId: row.session_id ?? null, credentials: rowToCredentials(row) });
  }
  return out;
}

/** The labels of each registered consumer among `ids` (for scope checks). */
export async function labelsOfConsumers(db: Knex, ids: string[]): Promise<Map<string, Record<string, string>>> {
  const out = new Map<string, Record<string, string>>();
  for (let i = 0; i < ids.length; i += 500) {
    const rows = await db('consumers').select('id', 'labels_json').whereIn('id', ids.slice(i, i + 500));
    for (const row of rows) out.set(row.id, JSON.parse(row.labels_json));
  }
  return out;
}

export interface NewHistoryEvent {
  consumerId: string;
  type: string;
  eventTime: number;
  taskId: string | null;
  detailsJson: string;
}

export async function insertHistoryEvents(trx: Knex.Transaction, events: NewHistoryEvent[]): Promise<void> {
  await insertChunked(
    trx,
    'consumer_history',
    events.map((e) => ({ consumer_id: e.consumerId, type: e.type, event_time: e.eventTime, task_id: e.taskId, details_json: e.detailsJson })),
    500,
  );
}

export interface HistoryFilter {
  types?: string[];
  eventTimeFrom?: number;
  eventTimeTo?: number;
}

/** Newest first, strictly below the cursor. */
export async function listHistory(db: Knex, consumerId: string, filter: HistoryFilter, beforeId: number | null, limit: number): Promise<HistoryEventRecord[]> {
  const q = db('consumer_history').where({ consumer_id: consumerId }).orderBy('id', 'desc').limit(limit);
  if (beforeId !== null) q.where('id', '<', beforeId);
  if (filter.types?.length) q.whereIn('type', filter.types);
  if (filter.eventTimeFrom != null) q.where('event_time', '>=', filter.eventTimeFrom);
  if (filter.eventTimeTo != null) q.where('event_time', '<', filter.eventTimeTo);
  return (await q).map(rowToHistory);
}

export async function hasHistory(db: Knex, consumerId: string): Promise<boolean> {
  return (await db('consumer_history').select('id').where({ consumer_id: consumerId }).first()) !== undefined;
}
