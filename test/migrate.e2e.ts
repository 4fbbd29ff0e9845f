import assert from 'node:assert/strict';
import { redactDatabaseUrl } from '../server/config';
import { openDatabase } from '../server/store/database';
import { pendingMigrations } from '../server/store/migrate';
import { runCli } from './helpers/processes';
import { createTestStore, STORE_KINDS, type TestStore } from './helpers/stores';

async function appliedMigrations(url: string): Promise<string[]> {
  const db = openDatabase(url);
  try {
    return (await db.knex('knex_migrations').select('name').orderBy('id')).map((r) => r.name);
  } finally {
    await db.close();
  }
}

for (const kind of STORE_KINDS) {
  describe(`taskplane migrate [${kind}]`, function () {
    this.timeout(60_000);
    let store: TestStore;
    beforeEach(async () => {
      store = await createTestStore(kind);
    });
    afterEach(async () => {
      await store.drop();
    });

    it('applies every migration once when three servers migrate at the same moment', async () => {
      const runs = await Promise.all([1, 2, 3].map(() => runCli(['migrate', '--database-url', store.url, '--output', 'json'])));
      for (const run of runs) assert.equal(run.code, 0, run.stderr);
      const appliedByRun = runs.map((r) => JSON.parse(r.stdout).applied as string[]);
      const applied = await appliedMigrations(store.url);
      assert.equal(new Set(applied).size, applied.length, 'no migration recorded twice');
      assert.deepEqual(appliedByRun.flat().sort(), [...applied].sort(), 'each migration applied by exactly one run');
      const db = openDatabase(store.url);
      try {
        assert.deepEqual(await pendingMigrations(db), []);
      } finally {
        await db.close();
      }
      const again = await runCli(['migrate', '--database-url', store.url]);
      assert.equal(again.code, 0);
      assert.match(again.stdout, /up to date/);
    });
  });
}

describe('server start on an out-of-date MySQL schema', function () {
  this.timeout(60_000);
  let store: TestStore;
  before(async () => {
    store = await createTestStore('mysql');
  });
  after(async () => {
    await store.drop();
  });

  it('refuses to start and says which command to run', async () => {
    const run = await runCli(['server', '--listen', '127.0.0.1:0', '--http-listen', '127.0.0.1:0', '--database-url', store.url]);
    assert.notEqual(run.code, 0);
    assert.match(run.stderr, /schema is out of date/);
    assert.match(run.stderr, /taskplane migrate --database-url/);
    assert.deepEqual(await tablesOf(store.url), [], 'a refused start writes nothing');
  });
});

async function tablesOf(url: string): Promise<string[]> {
  const db = openDatabase(url);
  try {
    const [rows] = await db.knex.raw('SHOW TABLES');
    return rows.map((r: Record<string, string>) => Object.values(r)[0]);
  } finally {
    await db.close();
  }
}

describe('database URLs in messages', () => {
  it('never show the password', () => {
    assert.equal(redactDatabaseUrl('mysql://app:s3cret@db:3306/taskplane'), 'mysql://app:***@db:3306/taskplane');
    assert.equal(redactDatabaseUrl('sqlite:./data/taskplane.sqlite'), 'sqlite:./data/taskplane.sqlite');
  });
});
