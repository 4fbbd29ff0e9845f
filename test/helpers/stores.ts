import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import knexFactory from 'knex';

/**
 * Every storage behaviour is tested on both stores. Each test database is
 * created for the run and dropped afterwards: MySQL at 127.0.0.1:3306 (root,
 * no password; override with TASKPLANE_TEST_MYSQL_URL, without the database
 * name), SQLite in a fresh temporary directory.
 */
export type StoreKind = 'sqlite' | 'mysql';
export const STORE_KINDS: StoreKind[] = ['sqlite', 'mysql'];

const MYSQL_SERVER_URL = process.env.TASKPLANE_TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306';

export interface TestStore {
  kind: StoreKind;
  url: string;
  drop(): Promise<void>;
}

export async function createTestStore(kind: StoreKind): Promise<TestStore> {
  const name = `tp_test_${process.pid}_${crypto.randomBytes(4).toString('hex')}`;
  if (kind === 'sqlite') {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'taskplane-test-'));
    return {
      kind,
      url: `sqlite:${path.join(dir, `${name}.sqlite`)}`,
      async drop() {
        fs.rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const admin = mysqlAdmin();
  try {
    await admin.raw(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin`);
  } finally {
    await admin.destroy();
  }
  return {
    kind,
    url: `${MYSQL_SERVER_URL}/${name}`,
    async drop() {
      const a = mysqlAdmin();
      try {
        await a.raw(`DROP DATABASE IF EXISTS \`${name}\``);
      } finally {
        await a.destroy();
      }
    },
  };
}

function mysqlAdmin() {
  const u = new URL(MYSQL_SERVER_URL);
  return knexFactory({
    client: 'mysql2',
    connection: { host: u.hostname, port: Number(u.port || 3306), user: decodeURIComponent(u.username || 'root'), password: decodeURIComponent(u.password) },
    pool: { min: 0, max: 1 },
  });
}
