import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { openDatabase, type Database } from '../server/store/database';
import { migrateToLatest } from '../server/store/migrate';
import { insertConsumer } from '../server/store/consumer-store';
import { cancellationsDue, lockOldestTasks } from '../server/store/dispatch-store';
import { insertTasks } from '../server/store/task-store';
import { earliestTaskDeadline } from '../server/store/due-store';
import type { NewTask } from '../server/tasks/task-record';
import { createTestStore, STORE_KINDS, type TestStore } from './helpers/stores';

const BACKLOG_PER_CONSUMER = 2000;

function waiting(consumerId: string, createTime: number): NewTask {
  return { id: crypto.randomUUID(), consumerId, method: 'bench.noop', argumentsJson: '{}', state: 'WAITING', labels: {}, idempotencyKey: null, requestHash: null, createTime, notBeforeTime: null, notAfterTime: null, timeoutMs: null };
}

/** Rows the MySQL session has read through its handlers so far. */
async function rowsRead(trx: import('knex').Knex.Transaction): Promise<number> {
  const [rows] = (await trx.raw("SHOW SESSION STATUS LIKE 'Handler_read%'")) as [Array<{ Variable_name: string; Value: string }>];
  return rows.filter((r) => r.Variable_name !== 'Handler_read_key').reduce((sum, r) => sum + Number(r.Value), 0);
}

for (const kind of STORE_KINDS) {
  describe(`reads of the dispatcher and the scheduler with a deep backlog and a long history (${kind})`, function () {
    this.timeout(120_000);
    let store: TestStore;
    let db: Database;
    /** Each consumer's WAITING task ids, oldest first. */
    const ids = new Map<string, string[]>();

    before(async () => {
      store = await createTestStore(kind);
      db = openDatabase(store.url);
      await migrateToLatest(db);
      const consumers = ['deep-a', 'deep-b', 'idle-c', 'long-history'];
      await db.knex.transaction(async (trx) => {
        for (const id of consumers) await insertConsumer(trx, { id, displayName: id, labels: {}, createTime: 1 }, 'x'.repeat(64));
      });
      // Interleaved, so each consumer's oldest tasks are not simply the table's oldest rows.
      const tasks: NewTask[] = [];
      for (let i = 0; i < BACKLOG_PER_CONSUMER; i++) for (const c of ['deep-a', 'deep-b']) tasks.push(waiting(c, 1000 + tasks.length));
      for (const t of tasks) ids.set(t.consumerId, [...(ids.get(t.consumerId) ?? []), t.id]);
      await db.knex.transaction((trx) => insertTasks(trx, tasks));
      // A consumer with a long history (finished tasks), one task asked to stop while held, and one that ended while its agent was away.
      const history = Array.from({ length: BACKLOG_PER_CONSUMER }, (_, i) => waiting('long-history', 10_000 + i));
      await db.knex.transaction(async (trx) => {
        await insertTasks(trx, history);
        await trx('tasks').whereIn('id', history.map((t) => t.id)).update({ state: 'SUCCEEDED', end_time: 20_000 });
        await trx('tasks').where('id', history[0].id).update({ state: 'RUNNING', end_time: null, cancel_requested_time: 20_000, cancel_reason: 'stop it' });
        await trx('tasks').where('id', history[1].id).update({ state: 'CANCELED', agent_cancel_pending: true, cancel_reason: 'ended while away' });
      });
      ids.set('long-history', history.map((t) => t.id));
    });

    after(async () => {
      await db?.close();
      await store?.drop();
    });

    it('locks each consumer its oldest tasks, and none of a consumer with none waiting', async () => {
      const rows = await db.knex.transaction((trx) => lockOldestTasks(trx, db.dialect, ['deep-a', 'deep-b', 'idle-c'], 'WAITING', 5));
      const got = (c: string) => rows.filter((r) => r.consumer_id === c).map((r) => r.id);
      assert.deepEqual(got('deep-a'), ids.get('deep-a')!.slice(0, 5));
      assert.deepEqual(got('deep-b'), ids.get('deep-b')!.slice(0, 5));
      assert.deepEqual(got('idle-c'), []);
    });

    it("finds the cancellations a consumer's agent is owed among its whole history", async () => {
      const due = await cancellationsDue(db.knex, ['long-history', 'deep-a'], ['DISPATCHED', 'RUNNING']);
      const [held, away] = ids.get('long-history')!;
      assert.deepEqual(
        due.sort((a, b) => a.reason.localeCompare(b.reason)),
        [
          { taskId: away, consumerId: 'long-history', reason: 'ended while away', ended: true },
          { taskId: held, consumerId: 'long-history', reason: 'stop it', ended: false },
        ],
      );
    });

    if (kind === 'mysql') {
      it("reads the cancellations owed, not the consumer's history", async () => {
        const read = await db.knex.transaction(async (trx) => {
          const before = await rowsRead(trx);
          await cancellationsDue(trx, ['long-history', 'deep-a'], ['DISPATCHED', 'RUNNING']);
          return (await rowsRead(trx)) - before;
        });
        assert.ok(read < 200, `finding 2 cancellations read ${read} rows of a history of ${BACKLOG_PER_CONSUMER} tasks`);
      });

      it("finds the scheduler's next deadline without walking the tasks that have none", async () => {
        const read = await db.knex.transaction(async (trx) => {
          const before = await rowsRead(trx);
          assert.equal(await earliestTaskDeadline(trx), null);
          return (await rowsRead(trx)) - before;
        });
        assert.ok(read < 200, `finding no deadline read ${read} rows of a backlog of ${2 * BACKLOG_PER_CONSUMER} WAITING tasks without one`);
      });

      it('reads about as many rows as it locks, not the whole backlog', async () => {
        const read = await db.knex.transaction(async (trx) => {
          const before = await rowsRead(trx);
          await lockOldestTasks(trx, db.dialect, ['deep-a', 'deep-b', 'idle-c'], 'WAITING', 5);
          return (await rowsRead(trx)) - before;
        });
        // Two consumers x 5 tasks, read twice (candidates, then the locking read), and the SHOW itself: far below the 4,000 waiting.
        assert.ok(read < 200, `the claim read ${read} rows for 10 tasks out of a backlog of ${2 * BACKLOG_PER_CONSUMER}`);
      });
    }
  });
}
