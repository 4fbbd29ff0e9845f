import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Knex } from 'knex';
import { openDatabase, isUniqueViolation, type Database } from '../server/store/database';
import { migrateToLatest, pendingMigrations } from '../server/store/migrate';
import { TASK_STATES } from '../server/tasks/states';
import { taskIndexes } from './helpers/schema';
import { createTestStore, STORE_KINDS, type TestStore } from './helpers/stores';

/** Compiled migrations: dist/migrations, beside dist/test. */
const MIGRATIONS_DIR = path.resolve(__dirname, '..', 'migrations');
/** The last migration before the CHECK on tasks.state and the two dropped columns. */
const BEFORE_CHECK = '20261128002500_index_tasks_by_schedule';
const CHECK_AND_DROPS = ['20261128002600_check_task_state_known', '20261128002700_drop_task_dispatch_time', '20261128002800_drop_consumer_session_server'];
/** Everything after BEFORE_CHECK: the check and the drops, then whatever later migrations the code has. */
const FROM_CHECK_ON = fs
  .readdirSync(MIGRATIONS_DIR)
  .filter((f) => /^\d{14}_[a-z0-9_]+\.js$/.test(f))
  .map((f) => f.replace(/\.js$/, ''))
  .filter((n) => n > BEFORE_CHECK)
  .sort();
/** Every index on tasks, from the earlier migrations. */
const TASK_INDEXES = ['tasks_by_consumer_state', 'tasks_by_group', 'tasks_by_schedule', 'tasks_by_state_deadline', 'tasks_by_state_due', 'tasks_id_unique', 'tasks_idempotency_key_unique'];
const CONSTRAINT_ERROR = /tasks_state_known/;
/** Columns later migrations add to tasks: NULL on every row these tests migrate, so left out of the comparisons. */
const LATER_TASK_COLUMNS = ['cancel_kind', 'late_outcome_json'];

/** Applies the migrations up to and including `last`, as migrateToLatest names them; returns those it applied. */
async function migrateUpTo(db: Database, last: string): Promise<string[]> {
  const names = fs
    .readdirSync(MIGRATIONS_DIR)
    .filter((f) => /^\d{14}_[a-z0-9_]+\.js$/.test(f))
    .map((f) => f.replace(/\.js$/, ''))
    .filter((n) => n <= last)
    .sort();
  assert.equal(names[names.length - 1], last);
  const [, applied] = await db.knex.migrate.latest({
    tableName: 'knex_migrations',
    migrationSource: {
      getMigrations: async () => names,
      getMigrationName: (n: string) => n,
      getMigration: async (n: string) => require(path.join(MIGRATIONS_DIR, `${n}.js`)),
    },
  });
  return applied;
}

function taskRow(state: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: crypto.randomUUID(),
    consumer_id: 'host-1',
    method: 'pkg.install',
    arguments_json: '{"name":"curl"}',
    state,
    labels_json: '{"team":"infra"}',
    create_time: 1_700_000_000_000,
    update_time: 1_700_000_000_000,
    ...extra,
  };
}

async function insertTask(db: Database, row: Record<string, unknown>): Promise<number> {
  await db.knex('tasks').insert(row);
  return Number((await db.knex('tasks').where({ id: row.id }).first('seq')).seq);
}

/** Each index on tasks as "name unique? (columns)", the same shape on both stores. */
async function rowsOf(knex: Knex, table: string, orderBy: string, without: string[] = []): Promise<Record<string, unknown>[]> {
  const rows: Record<string, unknown>[] = await knex(table).select('*').orderBy(orderBy);
  return rows.map((r) => Object.fromEntries(Object.entries(r).filter(([k]) => !without.includes(k))));
}

for (const kind of STORE_KINDS) {
  describe(`schema constraints [${kind}]`, function () {
    this.timeout(60_000);
    let store: TestStore;
    let db: Database;
    beforeEach(async () => {
      store = await createTestStore(kind);
      db = openDatabase(store.url);
    });
    afterEach(async () => {
      await db.close();
      await store.drop();
    });

    it('accepts each of the nine task states and refuses any other, on insert and on update', async () => {
      await migrateToLatest(db);
      for (const state of Object.values(TASK_STATES)) await insertTask(db, taskRow(state));
      assert.equal(Number((await db.knex('tasks').count({ n: '*' }))[0].n), 9);

      // Exact strings only: no case folding, no trailing-space padding.
      for (const bogus of ['BOGUS', 'waiting', 'WAITING ', '']) {
        await assert.rejects(db.knex('tasks').insert(taskRow(bogus)), CONSTRAINT_ERROR, `insert ${JSON.stringify(bogus)}`);
      }
      const { id } = await db.knex('tasks').where({ state: 'RUNNING' }).first('id');
      await assert.rejects(db.knex('tasks').where({ id }).update({ state: 'BOGUS' }), CONSTRAINT_ERROR);
      assert.equal((await db.knex('tasks').where({ id }).first('state')).state, 'RUNNING', 'the refused update changed nothing');
      await db.knex('tasks').where({ id }).update({ state: 'SUCCEEDED' });
      assert.equal((await db.knex('tasks').where({ id }).first('state')).state, 'SUCCEEDED');
    });

    it('keeps every task, label, event, seq and the auto-increment when it migrates a database that holds tasks', async () => {
      await migrateUpTo(db, BEFORE_CHECK);
      await db.knex('consumers').insert({
        id: 'host-1',
        display_name: 'Host 1',
        labels_json: '{}',
        credential_hash: 'a'.repeat(64),
        create_time: 1,
        last_seen_time: 2,
        session_id: crypto.randomUUID(),
        session_server: 'server-a',
      });
      const seqs: number[] = [];
      const states = ['SCHEDULED', 'WAITING', 'DISPATCHED', 'RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELED', 'TIMED_OUT', 'EXPIRED'];
      for (const [i, state] of states.entries()) {
        const seq = await insertTask(
          db,
          taskRow(state, {
            idempotency_key: `key-${i}`,
            not_before_time: 1_700_000_000_000 + i,
            dispatch_time: state === 'DISPATCHED' || state === 'RUNNING' ? 1_700_000_000_500 : null,
            attempt: i % 3,
            agent_cancel_pending: state === 'CANCELED',
            result_json: state === 'SUCCEEDED' ? '{"ok":true}' : null,
            group_id: i % 2 ? 'group-1' : null,
          }),
        );
        seqs.push(seq);
        await db.knex('task_labels').insert([
          { task_seq: seq, label_key: 'team', label_value: 'infra' },
          { task_seq: seq, label_key: 'n', label_value: String(i) },
        ]);
        const { id } = await db.knex('tasks').where({ seq }).first('id');
        await db.knex('task_events').insert({ task_id: id, type: 'STATE_CHANGED', state, event_time: 1_700_000_000_000 + i, cause: 'test' });
      }
      // Gaps, and a highest seq that no longer exists: neither may be reused.
      const highestIssued = seqs[seqs.length - 1];
      await db.knex('tasks').whereIn('seq', [seqs[2], highestIssued]).delete();

      const tasksBefore = await rowsOf(db.knex, 'tasks', 'seq', ['dispatch_time']);
      const labelsBefore = await rowsOf(db.knex, 'task_labels', 'task_seq');
      const eventsBefore = await rowsOf(db.knex, 'task_events', 'id');
      const consumersBefore = await rowsOf(db.knex, 'consumers', 'id', ['session_server']);
      const indexesBefore = await taskIndexes(db);
      assert.deepEqual(indexesBefore.map((i) => i.split(' ')[0]), TASK_INDEXES);

      // Up to the drops only: later migrations add columns, which these row comparisons would see.
      assert.deepEqual(await migrateUpTo(db, CHECK_AND_DROPS[CHECK_AND_DROPS.length - 1]), CHECK_AND_DROPS);

      assert.deepEqual(await rowsOf(db.knex, 'tasks', 'seq', LATER_TASK_COLUMNS), tasksBefore, 'every task, with its seq');
      assert.deepEqual(await rowsOf(db.knex, 'task_labels', 'task_seq'), labelsBefore);
      assert.deepEqual(await rowsOf(db.knex, 'task_events', 'id'), eventsBefore);
      // Columns added by later migrations are not compared (they did not exist before).
      assert.deepEqual((await rowsOf(db.knex, 'consumers', 'id')).map((r, i) => Object.fromEntries(Object.keys(consumersBefore[i] ?? r).map((k) => [k, r[k]]))), consumersBefore);
      assert.deepEqual(await taskIndexes(db), indexesBefore, 'every index on tasks, unique ones still unique');
      const next = await insertTask(db, taskRow('WAITING'));
      assert.equal(next, highestIssued + 1, 'the auto-increment continues after the highest seq ever issued');
      const duplicate = taskRow('WAITING', { id: tasksBefore[0].id });
      await assert.rejects(db.knex('tasks').insert(duplicate), (err) => isUniqueViolation(err));
      if (db.dialect === 'sqlite') {
        assert.deepEqual(await db.knex.raw('PRAGMA integrity_check'), [{ integrity_check: 'ok' }]);
        assert.equal(await db.knex.schema.hasTable('tasks_rebuild'), false);
      }
    });

    it('drops tasks.dispatch_time and consumers.session_server, and nothing else', async () => {
      await migrateToLatest(db);
      assert.equal(await db.knex.schema.hasColumn('tasks', 'dispatch_time'), false);
      assert.equal(await db.knex.schema.hasColumn('consumers', 'session_server'), false);
      assert.equal(await db.knex.schema.hasColumn('tasks', 'agent_cancel_pending'), true);
      assert.equal(await db.knex.schema.hasColumn('consumers', 'session_id'), true);
    });

    it('refuses to migrate tasks in a state it does not know, naming it, and applies nothing', async () => {
      await migrateUpTo(db, BEFORE_CHECK);
      await insertTask(db, taskRow('WAITING'));
      await insertTask(db, taskRow('PAUSED'));
      await assert.rejects(migrateToLatest(db), /unknown states "PAUSED" \(1 tasks\)/);
      assert.deepEqual(await pendingMigrations(db), FROM_CHECK_ON, 'the check and everything after it is still pending');
      assert.deepEqual((await db.knex('tasks').orderBy('seq').select('state')).map((r) => r.state), ['WAITING', 'PAUSED']);
      assert.equal(await db.knex.schema.hasColumn('tasks', 'dispatch_time'), true);

      await db.knex('tasks').where({ state: 'PAUSED' }).update({ state: 'WAITING' });
      assert.deepEqual(await migrateToLatest(db), FROM_CHECK_ON);
    });
  });
}
