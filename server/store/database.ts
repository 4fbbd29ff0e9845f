import fs from 'node:fs';
import path from 'node:path';
import knexFactory, { Knex } from 'knex';
import { InvalidArgumentError } from '../errors';

/** The two stores taskplane runs on. The same code and migrations serve both. */
export type Dialect = 'mysql' | 'sqlite';

export interface Database {
  readonly knex: Knex;
  readonly dialect: Dialect;
  /** SQLite only: the database file. */
  readonly filename?: string;
  close(): Promise<void>;
}

export const DEFAULT_DATABASE_URL = 'sqlite:./data/taskplane.sqlite';

export interface ParsedDatabaseUrl {
  dialect: Dialect;
  /** sqlite: the file path; mysql: the connection settings. */
  filename?: string;
  /** `host`/`port` are the first of `hosts`. */
  mysql?: { host: string; port: number; hosts: Array<{ host: string; port: number }>; user: string; password: string; database: string; socketPath?: string };
}

/**
 * Parses `sqlite:PATH` (also `sqlite://PATH`, `sqlite::memory:`) and
 * `mysql://user:pass@host:port/db`, also with several hosts of one
 * cluster (`mysql://user:pass@db1:3306,db2:3306,db3/db`): the server
 * connects to the first that answers and is ready, in order. A MySQL on
 * the same machine may be reached through its Unix socket
 * (`mysql://root@localhost/db?socket=/run/mysqld/mysqld.sock`), which
 * costs each statement about half the CPU of a loopback TCP connection.
 */
export function parseDatabaseUrl(url: string): ParsedDatabaseUrl {
  if (url.startsWith('sqlite:')) {
    const filename = url.slice('sqlite:'.length).replace(/^\/\//, '');
    if (!filename) throw new InvalidArgumentError('database_url', 'sqlite URL needs a path, e.g. sqlite:./data/taskplane.sqlite');
    return { dialect: 'sqlite', filename };
  }
  if (url.startsWith('mysql:') || url.startsWith('mariadb:')) {
    // WHATWG URL takes one host; split the host list off and parse each host alone.
    const m = /^(mysql|mariadb):\/\/(?:([^@/]*)@)?([^/?#]*)(\/[^?#]*)?(?:\?([^#]*))?(?:#.*)?$/.exec(url);
    if (!m) throw new InvalidArgumentError('database_url', 'not a valid mysql://user:pass@host:port/db URL');
    const [, scheme, auth = '', hostList, pathname = '', query = ''] = m;
    const params = new URLSearchParams(query);
    for (const key of params.keys()) {
      if (key !== 'socket') throw new InvalidArgumentError('database_url', `unknown parameter "${key}" in the mysql URL; the one known is socket=PATH`);
    }
    const socketPath = params.get('socket') ?? undefined;
    if (socketPath !== undefined && !socketPath) throw new InvalidArgumentError('database_url', 'socket= needs the path of the MySQL Unix socket, e.g. socket=/run/mysqld/mysqld.sock');
    if (socketPath && hostList.includes(',')) throw new InvalidArgumentError('database_url', 'socket= names one local server; it cannot be used with several hosts');
    const hosts = (hostList || '127.0.0.1').split(',').map((hostPort) => {
      let parsed: URL;
      try {
        parsed = new URL(`${scheme}://${hostPort.trim()}`);
      } catch {
        throw new InvalidArgumentError('database_url', `"${hostPort}" is not host or host:port in the mysql URL`);
      }
      if (!parsed.hostname || parsed.pathname.replace(/^\//, '') !== '') throw new InvalidArgumentError('database_url', `"${hostPort}" is not host or host:port in the mysql URL`);
      return { host: parsed.hostname.replace(/^\[(.*)\]$/, '$1'), port: parsed.port ? Number(parsed.port) : 3306 };
    });
    const database = decodeURIComponent(pathname.replace(/^\//, ''));
    if (!database) throw new InvalidArgumentError('database_url', 'mysql URL needs a database name, e.g. mysql://root@127.0.0.1:3306/taskplane');
    const colon = auth.indexOf(':');
    const user = colon < 0 ? auth : auth.slice(0, colon);
    const password = colon < 0 ? '' : auth.slice(colon + 1);
    return {
      dialect: 'mysql',
      mysql: { host: hosts[0].host, port: hosts[0].port, hosts, user: decodeURIComponent(user || 'root'), password: decodeURIComponent(password), database, ...(socketPath ? { socketPath } : {}) },
    };
  }
  throw new InvalidArgumentError('database_url', `unsupported scheme in "${url.split(':')[0]}:"; use sqlite:PATH or mysql://user:pass@host:port/db`);
}

/** Where knex's own warnings go (a lost connection, a slow acquire): the server's log, bounded, never the console. */
export interface DriverLog {
  warn(message: string): void;
}

function knexLog(log: DriverLog | undefined) {
  const say = (message: unknown) => log?.warn(String(message instanceof Error ? message.message : message).slice(0, 300));
  return { warn: say, error: say, deprecate: say, debug: () => {} };
}

export function openDatabase(url: string, options: { poolMax?: number; log?: DriverLog } = {}): Database {
  const parsed = parseDatabaseUrl(url);
  if (parsed.dialect === 'sqlite') {
    const filename = parsed.filename!;
    if (filename !== ':memory:') fs.mkdirSync(path.dirname(path.resolve(filename)), { recursive: true });
    const knex = knexFactory({
      client: 'better-sqlite3',
      log: knexLog(options.log),
      connection: { filename },
      useNullAsDefault: true,
      // better-sqlite3 is synchronous and SQLite has one writer: a single
      // connection serialises every transaction, which is what makes the
      // conditional updates below race-free on SQLite (MySQL gets row locks).
      pool: {
        min: 1,
        max: 1,
        afterCreate(conn: { pragma(s: string): unknown }, done: (err: Error | null, conn: unknown) => void) {
          // WAL lets readers in other processes (the CLI, a second server)
          // read while we write; busy_timeout makes a second writer wait
          // instead of failing at once. synchronous=FULL: guarantee 1
          // (durable acceptance) holds even across a power loss, not only a
          // process crash, at the price of an fsync per commit.
          conn.pragma('journal_mode = WAL');
          conn.pragma('busy_timeout = 10000');
          conn.pragma('synchronous = FULL');
          conn.pragma('foreign_keys = ON');
          done(null, conn);
        },
      },
    });
    return { knex, dialect: 'sqlite', filename, close: () => knex.destroy() };
  }
  const { hosts, ...settings } = parsed.mysql!;
  const knex = knexFactory({
    client: 'mysql2',
    log: knexLog(options.log),
    connection: {
      ...settings,
      charset: 'utf8mb4',
      // Times are stored as epoch milliseconds (BIGINT), so the session time
      // zone never changes a value.
      supportBigNumbers: true,
      bigNumberStrings: false,
    },
    pool: {
      min: 0,
      max: options.poolMax ?? 10,
      // READ COMMITTED: locking reads and updates lock only the rows they
      // match, not the gaps around them, so claims, settlements and inserts
      // of new tasks stop blocking (and deadlocking) each other. Nothing here
      // relies on REPEATABLE READ snapshots: every decision is a locking read,
      // a conditional update or a unique key.
      afterCreate(conn: { query(sql: string, cb: (err: Error | null) => void): void }, done: (err: Error | null, conn: unknown) => void) {
        conn.query('SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED', (err) => done(err, conn));
      },
    },
    acquireConnectionTimeout: 10_000,
  });
  failOverBetween(knex, hosts);
  return { knex, dialect: 'mysql', close: () => knex.destroy() };
}

type RawConnection = { __knex__disposed?: unknown; query(sql: string, cb: (err: Error | null, rows?: unknown) => void): void; destroy(): void };

/**
 * Several hosts of one cluster (Galera, Group Replication): every new
 * connection goes to the host that last worked, or the next one in order
 * that accepts a connection and is ready to serve (a Galera node outside the
 * primary component refuses queries with 1047). Connections stick to one
 * node, as Galera recommends for writes (fewer certification conflicts), and
 * a connection whose node went away or stopped serving is marked so the
 * pool replaces it instead of handing it out again. Done on knex's own
 * mysql2 client, so the store is unchanged.
 */
function failOverBetween(knex: Knex, hosts: Array<{ host: string; port: number }>): void {
  if (hosts.length < 2) return;
  const client = knex.client as { connectionSettings: Record<string, unknown>; acquireRawConnection(): Promise<RawConnection>; _query(conn: RawConnection, obj: unknown): Promise<unknown>; validateConnection(conn: RawConnection): boolean };
  const acquire = client.acquireRawConnection.bind(client);
  const query = client._query.bind(client);
  const validate = client.validateConnection.bind(client);
  let preferred = 0;
  client.acquireRawConnection = async () => {
    let lastError: unknown;
    for (let i = 0; i < hosts.length; i++) {
      const index = (preferred + i) % hosts.length;
      // Read synchronously by the driver as the connection is made.
      client.connectionSettings = { ...client.connectionSettings, host: hosts[index].host, port: hosts[index].port };
      let conn: RawConnection | undefined;
      try {
        conn = await acquire();
        // A Galera node outside the primary component fails this with 1047;
        // a Group Replication secondary answers read_only = 1.
        const readOnly = await new Promise<number>((resolve, reject) =>
          conn!.query('SELECT @@global.read_only AS ro', ((err: Error | null, rows?: Array<{ ro: number }>) => (err ? reject(err) : resolve(Number(rows?.[0]?.ro)))) as never),
        );
        if (readOnly) throw Object.assign(new Error(`${hosts[index].host}:${hosts[index].port} is read-only (not the primary)`), { errno: 1290 });
        preferred = index;
        return conn;
      } catch (err) {
        conn?.destroy();
        lastError = err;
      }
    }
    throw lastError;
  };
  client._query = (conn, obj) =>
    query(conn, obj).catch((err: unknown) => {
      if (isNodeGone(err)) conn.__knex__disposed = err;
      throw err;
    });
  client.validateConnection = (conn) => validate(conn) && !conn.__knex__disposed;
}

/** The node behind this connection cannot serve it any more: not in the primary component, read-only (no longer the primary), shutting down, or gone. */
function isNodeGone(err: unknown): boolean {
  const e = err as { errno?: number; fatal?: boolean };
  return e?.fatal === true || e?.errno === 1047 || e?.errno === 1290 || e?.errno === 1053 || e?.errno === 1927;
}

/** True for a duplicate-key violation on either store. */
export function isUniqueViolation(err: unknown): boolean {
  const e = err as { code?: string; errno?: number };
  return e?.code === 'ER_DUP_ENTRY' || e?.code === 'SQLITE_CONSTRAINT_UNIQUE' || e?.code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

// Errors that mean "the database cannot be reached or is going away", not
// "this statement is wrong": connection refused or lost, the pool could not
// get a connection, the server shutting down or out of connections; on
// SQLite, the file cannot be opened or written.
const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'PROTOCOL_CONNECTION_LOST',
  'PROTOCOL_SEQUENCE_TIMEOUT',
  'ER_SERVER_SHUTDOWN',
  'ER_CON_COUNT_ERROR',
  'ER_CONNECTION_KILLED',
  'ER_QUERY_INTERRUPTED',
  'SQLITE_CANTOPEN',
  'SQLITE_IOERR',
  'SQLITE_FULL',
  'SQLITE_READONLY',
]);

/**
 * True when `err` says the database is unreachable (retryable by the
 * client once it answers again), as opposed to a bad statement or value.
 * The gRPC edge maps it to UNAVAILABLE; the health check turns NOT_SERVING.
 */
export function isDatabaseUnavailable(err: unknown): boolean {
  const e = err as { code?: string; name?: string; message?: string; fatal?: boolean };
  if (!e || typeof e !== 'object') return false;
  if (e.code && UNAVAILABLE_CODES.has(e.code)) return true;
  // knex: no connection could be taken from the pool in time.
  if (e.name === 'KnexTimeoutError') return true;
  // mysql2: a fatal error closed the connection; later calls on it fail with this message.
  if (e.fatal === true) return true;
  return typeof e.message === 'string' && /connection is in closed state|Connection lost/i.test(e.message);
}

/** The cheapest round trip that proves the database answers. */
export async function pingDatabase(db: Knex): Promise<void> {
  await db.raw('select 1');
}

/** The connection pool now: connections in use, idle, and requests waiting for one (all zero before the first query). */
export function poolStats(db: Database): { used: number; free: number; pending: number } {
  const pool = (db.knex.client as { pool?: { numUsed(): number; numFree(): number; numPendingAcquires(): number } }).pool;
  return pool ? { used: pool.numUsed(), free: pool.numFree(), pending: pool.numPendingAcquires() } : { used: 0, free: 0, pending: 0 };
}
