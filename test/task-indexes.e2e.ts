import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { openDatabase, type Database } from '../server/store/database';
import { migrateToLatest } from '../server/store/migrate';
import { TASK_STATES, type TaskStateName } from '../server/tasks/states';
import { taskIndexes } from './helpers/schema';
import { createTestStore, STORE_KINDS, type TestStore } from './helpers/stores';

/**
 * Every change of a task's state rewrites each index that holds `state`,
 * and a task changes state three times or more: the sweeps' indexes are on
 * virtual columns that hold a time (or a schedule) only while the task is
 * in the states its sweep looks at, so their entries change once, not at
 * every transition, and not at all for a task without a window, a timeout
 * or a schedule.
 */
for (const kind of STORE_KINDS) {
  describe(`the indexes on tasks [${kind}]`, function () {
    this.timeout(60_000);
    let store: TestStore;
    let db: Database;
    before(async () => {
      store = await createTestStore(kind);
      db = openDatabase(store.url);
      await migrateToLatest(db);
    });
    after(async () => {
      await db?.close();
      await store?.drop();
    });

    it('hold `state` in two indexes only: claims by consumer, and lists and counts by state', async () => {
      const withState = (await taskIndexes(db)).filter((i) => /[(, ]state[,)]/.test(i));
      assert.deepEqual(withState, ['tasks_by_consumer_state (consumer_id, state, seq)', 'tasks_by_state_due (state, not_before_time)']);
    });

    it('give each sweep its column only while the task is in the states that sweep looks at', async () => {
      const base = { consumer_id: 'host-1', method: 'testing.echo', arguments_json: '{}', labels_json: '{}', create_time: 1, update_time: 1 };
      const insert = async (state: TaskStateName) => {
        const id = crypto.randomUUID();
        await db.knex('tasks').insert({ ...base, id, state, not_after_time: 5_000, run_deadline_time: 7_000, schedule_id: 'sched-1' });
        return id;
      };
      const columnsOf = async (id: string) => {
        const row = await db.knex('tasks').select('expire_time', 'running_deadline_time', 'active_schedule_id').where({ id }).first();
        return { expire: row.expire_time === null ? null : Number(row.expire_time), running: row.running_deadline_time === null ? null : Number(row.running_deadline_time), schedule: row.active_schedule_id };
      };
      const expected: Record<TaskStateName, { expire: number | null; running: number | null; schedule: string | null }> = {
        SCHEDULED: { expire: 5_000, running: null, schedule: 'sched-1' },
        WAITING: { expire: 5_000, running: null, schedule: 'sched-1' },
        DISPATCHED: { expire: null, running: null, schedule: 'sched-1' },
        RUNNING: { expire: null, running: 7_000, schedule: 'sched-1' },
        SUCCEEDED: { expire: null, running: null, schedule: null },
        FAILED: { expire: null, running: null, schedule: null },
        CANCELED: { expire: null, running: null, schedule: null },
        TIMED_OUT: { expire: null, running: null, schedule: null },
        EXPIRED: { expire: null, running: null, schedule: null },
      };
      for (const state of Object.values(TASK_STATES)) assert.deepEqual(await columnsOf(await insert(state)), expected[state], state);

      // Computed from the row: a change of state moves them with it, with nothing written to them.
      const id = await insert(TASK_STATES.WAITING);
      await db.knex('tasks').where({ id }).update({ state: TASK_STATES.RUNNING });
      assert.deepEqual(await columnsOf(id), expected.RUNNING);
      await db.knex('tasks').where({ id }).update({ state: TASK_STATES.SUCCEEDED });
      assert.deepEqual(await columnsOf(id), expected.SUCCEEDED);
    });
  });
}
