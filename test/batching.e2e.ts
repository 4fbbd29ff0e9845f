import assert from 'node:assert/strict';
import type { Knex } from 'knex';
import { openDatabase, type Database } from '../server/store/database';
import { Batcher, transactionWithRetry, updateRowsById } from '../server/store/batching';
import { createTestStore, STORE_KINDS, type TestStore } from './helpers/stores';

describe('Batcher (group commit)', () => {
  it('hands concurrent submissions to one flush, in order, and each caller gets its own result', async () => {
    const groups: number[][] = [];
    const batcher = new Batcher<number, number>(async (ops) => {
      groups.push(ops);
      return ops.map((n) => n * 10);
    }, 100);
    const results = await Promise.all([1, 2, 3, 4].map((n) => batcher.submit(n)));
    assert.deepEqual(results, [10, 20, 30, 40]);
    assert.deepEqual(groups, [[1, 2, 3, 4]]);
  });

  it('forms the next group from what arrives during a flush, at most maxBatch at a time', async () => {
    const groups: number[][] = [];
    let release!: () => void;
    const firstFlushHeld = new Promise<void>((resolve) => (release = resolve));
    const batcher = new Batcher<number, number>(async (ops) => {
      groups.push(ops);
      if (groups.length === 1) await firstFlushHeld;
      return ops;
    }, 2);
    const first = batcher.submit(0);
    await new Promise((resolve) => setImmediate(resolve));
    const rest = [1, 2, 3].map((n) => batcher.submit(n));
    release();
    await Promise.all([first, ...rest]);
    assert.deepEqual(groups, [[0], [1, 2], [3]]);
  });

  it('rejects every caller of a failed flush and goes on with the next group', async () => {
    let fail = true;
    const batcher = new Batcher<number, number>(async (ops) => {
      if (fail) {
        fail = false;
        throw new Error('store unavailable');
      }
      return ops;
    });
    const failed = await Promise.allSettled([batcher.submit(1), batcher.submit(2)]);
    assert.deepEqual(failed.map((r) => r.status), ['rejected', 'rejected']);
    assert.equal(await batcher.submit(3), 3);
  });
});

for (const kind of STORE_KINDS) {
  describe(`multi-row writes [${kind}]`, function () {
    this.timeout(30_000);
    let store: TestStore;
    let db: Database;
    before(async () => {
      store = await createTestStore(kind);
      db = openDatabase(store.url);
      await db.knex.schema.createTable('counters', (t) => {
        t.string('id', 8).primary();
        t.integer('n').notNullable();
        t.string('note', 32).nullable();
      });
      await db.knex('counters').insert([{ id: 'a', n: 0 }, { id: 'b', n: 0 }, { id: 'c', n: 0 }]);
    });
    after(async () => {
      await db.close();
      await store.drop();
    });

    it('update many rows with different values in one statement, leaving other columns alone', async () => {
      const changed = await db.knex.transaction((trx) =>
        updateRowsById(trx, 'counters', new Map<string, Record<string, unknown>>([['a', { n: 5 }], ['b', { n: 7, note: 'seven' }]])),
      );
      assert.equal(changed, 2);
      const rows = await db.knex('counters').orderBy('id');
      assert.deepEqual(rows.map((r) => [r.id, r.n, r.note]), [['a', 5, null], ['b', 7, 'seven'], ['c', 0, null]]);
    });

    if (kind === 'mysql') {
      it('retries a transaction chosen as a deadlock victim, losing nothing', async () => {
        await db.knex('counters').update({ n: 0 });
        // Two transactions lock a and b in opposite orders; each waits until
        // the other holds its first lock, so MariaDB must kill one (1213).
        let bothHoldFirstLock!: () => void;
        let held = 0;
        const barrier = new Promise<void>((resolve) => (bothHoldFirstLock = resolve));
        let attempts = 0;
        const crossUpdate = (first: string, second: string) =>
          transactionWithRetry(db.knex, async (trx: Knex.Transaction) => {
            attempts++;
            await trx('counters').where({ id: first }).increment('n', 1);
            if (++held === 2) bothHoldFirstLock();
            await barrier;
            await trx('counters').where({ id: second }).increment('n', 1);
          });
        await Promise.all([crossUpdate('a', 'b'), crossUpdate('b', 'a')]);
        assert.ok(attempts >= 3, `one transaction was retried (attempts: ${attempts})`);
        const rows = await db.knex('counters').whereIn('id', ['a', 'b']).orderBy('id');
        assert.deepEqual(rows.map((r) => r.n), [2, 2], 'both transactions fully applied, once each');
      });
    }
  });
}
