/**
 * Bench-only bulk loading of a stored backlog: consumers registered without
 * the API (50,000 RegisterConsumer calls would take minutes), and a million
 * finished tasks. Through the store's own insert functions where rows must
 * be exactly what the server writes (consumers, WAITING tasks and their
 * events); finished tasks are copied in SQL, doubling each time, since the
 * server only ever reads them on request.
 */
import crypto from 'node:crypto';
import type { Knex } from 'knex';
import { hashCredential, newCredential } from '../server/consumers/credentials';
import { insertConsumer } from '../server/store/consumer-store';
import { insertTasks } from '../server/store/task-store';
import type { NewTask } from '../server/tasks/task-record';

/** A WAITING bench.noop task as CreateTask would store it. */
function noopTask(consumerId: string, createTime: number): NewTask {
  return { id: crypto.randomUUID(), consumerId, method: 'bench.noop', argumentsJson: '{}', state: 'WAITING', labels: {}, idempotencyKey: null, requestHash: null, createTime, notBeforeTime: null, notAfterTime: null, timeoutMs: null };
}

/** Registers `ids` (no labels), 1,000 per transaction; returns each one's credential. */
export async function registerConsumersInBulk(knex: Knex, ids: string[], now = Date.now()): Promise<Array<{ consumerId: string; token: string }>> {
  const out: Array<{ consumerId: string; token: string }> = [];
  for (let i = 0; i < ids.length; i += 1000) {
    const part = ids.slice(i, i + 1000).map((consumerId) => ({ consumerId, token: newCredential() }));
    await knex.transaction(async (trx) => {
      for (const { consumerId, token } of part) await insertConsumer(trx, { id: consumerId, displayName: consumerId, labels: {}, createTime: now }, hashCredential(token));
    });
    out.push(...part);
  }
  return out;
}

/**
 * WAITING tasks of method bench.noop, `perConsumer` for each consumer,
 * created one millisecond apart in round-robin order (so each consumer's
 * oldest-first order is its tasks' creation order), through insertTasks
 * (the rows and "created" events the server writes). Returns each
 * consumer's task ids, oldest first.
 */
export async function insertWaitingTasks(knex: Knex, consumerIds: string[], perConsumer: number, firstCreateTime: number): Promise<Map<string, string[]>> {
  const byConsumer = new Map<string, string[]>(consumerIds.map((id) => [id, []]));
  const total = consumerIds.length * perConsumer;
  for (let i = 0; i < total; i += 5000) {
    const tasks: NewTask[] = [];
    for (let j = i; j < Math.min(total, i + 5000); j++) {
      const consumerId = consumerIds[j % consumerIds.length];
      const task = noopTask(consumerId, firstCreateTime + j);
      byConsumer.get(consumerId)!.push(task.id);
      tasks.push(task);
    }
    await knex.transaction((trx) => insertTasks(trx, tasks));
  }
  return byConsumer;
}

/**
 * At least `count` SUCCEEDED tasks of `consumerId` (history: what a server
 * that has run for a while holds): a first batch through insertTasks, then
 * copies of the table's finished rows with new ids until there are enough.
 */
export async function insertFinishedTasks(knex: Knex, dialect: 'mysql' | 'sqlite', consumerId: string, count: number, createTime: number): Promise<number> {
  const first = Math.min(count, 5000);
  const seed = Array.from({ length: first }, (_, i) => noopTask(consumerId, createTime + i));
  await knex.transaction(async (trx) => {
    await insertTasks(trx, seed);
    await trx('tasks').whereIn('id', seed.map((t) => t.id)).update({ state: 'SUCCEEDED', start_time: createTime, end_time: createTime + 1, attempt: 1, result_json: '{}' });
  });
  const newId = dialect === 'mysql' ? 'UUID()' : "lower(hex(randomblob(16)))";
  let have = first;
  while (have < count) {
    // At most 50,000 rows a statement: a larger copy can exceed the lock table of a small buffer pool.
    const copy = Math.min(have, count - have, 50_000);
    await knex.raw(
      `INSERT INTO tasks (id, consumer_id, method, arguments_json, state, labels_json, create_time, update_time, start_time, end_time, attempt, result_json)
       SELECT ${newId}, consumer_id, method, arguments_json, state, labels_json, create_time, update_time, start_time, end_time, attempt, result_json
       FROM tasks WHERE consumer_id = ? AND state = 'SUCCEEDED' LIMIT ${copy}`,
      [consumerId],
    );
    have += copy;
  }
  return have;
}
