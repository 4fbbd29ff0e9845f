import fs from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import type { Knex } from 'knex';
import { Database } from './database';
import { SchemaOutOfDateError } from '../errors';

/** Compiled migrations live next to this file's compiled tree: dist/migrations. */
const MIGRATIONS_DIR = path.resolve(__dirname, '..', '..', 'migrations');

interface MigrationModule {
  up(knex: Knex): Promise<void>;
  down(knex: Knex): Promise<void>;
}

/**
 * Lists migrations by base name (no extension), so the names recorded in
 * knex_migrations are the same whether the code runs compiled or not.
 */
class DirectoryMigrationSource implements Knex.MigrationSource<string> {
  async getMigrations(): Promise<string[]> {
    return fs
      .readdirSync(MIGRATIONS_DIR)
      .filter((f) => /^\d{14}_[a-z0-9_]+\.js$/.test(f))
      .map((f) => f.replace(/\.js$/, ''))
      .sort();
  }
  getMigrationName(name: string): string {
    return name;
  }
  async getMigration(name: string): Promise<MigrationModule> {
    return require(path.join(MIGRATIONS_DIR, `${name}.js`)) as MigrationModule;
  }
}

const migrationConfig: Knex.MigratorConfig = {
  migrationSource: new DirectoryMigrationSource(),
  tableName: 'knex_migrations',
};

/** Names of migrations this code has that the database has not applied. */
export async function pendingMigrations(db: Database): Promise<string[]> {
  if (!(await db.knex.schema.hasTable('knex_migrations'))) {
    return new DirectoryMigrationSource().getMigrations();
  }
  // A schema newer than this code is fine (migrations are append-only and
  // additive), so do not fail on applied migrations we do not know.
  const [, pending] = await db.knex.migrate.list({ ...migrationConfig, disableMigrationsListValidation: true });
  return (pending as Array<{ file: string } | string>).map((m) => (typeof m === 'string' ? m : m.file));
}

/** Refuses to go on with a schema older than the code, naming the command that fixes it. */
export async function assertSchemaCurrent(db: Database, remedy: string): Promise<void> {
  const pending = await pendingMigrations(db);
  if (pending.length > 0) throw new SchemaOutOfDateError(pending, remedy);
}

/**
 * Applies every pending migration. Safe when several servers start at once:
 * they queue on a lock that the operating system or the database releases
 * if its holder dies (MySQL: GET_LOCK, held by one connection; SQLite: an
 * exclusive transaction on a lock file beside the database), so exactly one
 * applies each migration and the others then find nothing to do. knex's own
 * lock row is not enough: it is a plain flag that a crashed migrator leaves
 * set, and its set-up races between processes; holding the real lock, we
 * can safely clear it.
 */
export async function migrateToLatest(db: Database, options: { lockTimeoutSeconds?: number } = {}): Promise<string[]> {
  const lockTimeout = options.lockTimeoutSeconds ?? 120;
  const run = async () => {
    if (await db.knex.schema.hasTable('knex_migrations_lock')) await db.knex.migrate.forceFreeMigrationsLock(migrationConfig);
    const [, applied] = await db.knex.migrate.latest(migrationConfig);
    return applied as string[];
  };
  if (db.dialect === 'mysql') return withMysqlNamedLock(db.knex, 'taskplane.migrate', lockTimeout, run);
  return withSqliteFileLock(db.filename!, lockTimeout, run);
}

async function withSqliteFileLock<T>(filename: string, timeoutSeconds: number, work: () => Promise<T>): Promise<T> {
  if (filename === ':memory:') return work();
  const lock = new BetterSqlite3(`${filename}-migrate.lock`, { timeout: timeoutSeconds * 1000 });
  try {
    // Blocks (up to the timeout) while another process holds it.
    lock.exec('BEGIN EXCLUSIVE');
    try {
      return await work();
    } finally {
      lock.exec('ROLLBACK');
    }
  } finally {
    lock.close();
  }
}

async function withMysqlNamedLock<T>(knex: Knex, name: string, timeoutSeconds: number, work: () => Promise<T>): Promise<T> {
  // GET_LOCK belongs to one connection, so hold that connection for the
  // whole run and release the lock on it.
  const conn = await knex.client.acquireConnection();
  try {
    const [rows] = await conn.promise().query('SELECT GET_LOCK(?, ?) AS got', [name, timeoutSeconds]);
    if ((rows as Array<{ got: number }>)[0]?.got !== 1) {
      throw new Error(`could not take the migration lock "${name}" within ${timeoutSeconds}s: another server is migrating`);
    }
    try {
      return await work();
    } finally {
      await conn.promise().query('SELECT RELEASE_LOCK(?)', [name]);
    }
  } finally {
    await knex.client.releaseConnection(conn);
  }
}
