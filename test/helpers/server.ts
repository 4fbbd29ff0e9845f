import * as grpc from '@grpc/grpc-js';
import { connect, type TaskplaneClients } from '../../client/client';
import { createLogger, type Logger } from '../../common/log';
import { TaskplaneServer, type ServerOptions } from '../../server/server';
import { openDatabase } from '../../server/store/database';
import { issueBootstrapToken, type CreateTokenInput } from '../../server/security/token-manager';
import { createTestStore, STORE_KINDS, type StoreKind, type TestStore } from './stores';

/** A real server on 127.0.0.1:0 with real clients, over a per-run database. */
export interface TestServer {
  store: TestStore;
  server: TaskplaneServer;
  address: string;
  /** An admin API token made by bootstrap (as `token create --bootstrap` does); `clients` send it. */
  token: string;
  clients: TaskplaneClients;
}

export const testLogger = createLogger({ level: process.env.TASKPLANE_TEST_LOG ?? 'silent' });

/** A logger as the server's, whose lines a test can read (each one parsed). */
export function capturingLogger(level = 'info'): { logger: Logger; lines: () => Array<Record<string, any>> } {
  const text: string[] = [];
  const logger = createLogger({ level, destination: { write: (line: string) => void text.push(line) } });
  return { logger, lines: () => text.map((line) => JSON.parse(line)) };
}

export async function startServerOn(store: TestStore, options: Partial<ServerOptions> = {}): Promise<TestServer> {
  const server = await TaskplaneServer.start({
    listen: '127.0.0.1:0',
    databaseUrl: store.url,
    migrate: true,
    logger: testLogger,
    shutdownTimeoutMs: 2000,
    watchPollMs: 200,
    ...options,
  });
  const address = `127.0.0.1:${server.port}`;
  const { secret: token } = await issueBootstrapToken(server.db.knex, Date.now(), adminToken('test-admin'));
  return { store, server, address, token, clients: connect(address, { token }) };
}

function adminToken(name: string): CreateTokenInput {
  return { name, role: 'admin', selector: null, methods: null, expireTime: null };
}

/**
 * An API token written to the store directly (`token create --bootstrap`),
 * for servers running as processes. Admin and unscoped unless `input` says
 * otherwise.
 */
export async function bootstrapToken(storeUrl: string, input: Partial<CreateTokenInput> = {}): Promise<string> {
  const db = openDatabase(storeUrl);
  try {
    return (await issueBootstrapToken(db.knex, Date.now(), { ...adminToken('test-admin'), ...input })).secret;
  } finally {
    await db.close();
  }
}

/** Clients sending another token (a role or scope under test), to close when done. */
export function clientsWith(t: TestServer, token: string | null): TaskplaneClients {
  return connect(t.address, { token, channelOptions: { 'grpc.use_local_subchannel_pool': 1 } });
}

/**
 * describe() once per store, each with its own database and server, shared
 * by the tests inside and torn down (server stopped, database dropped) after.
 */
export function describeOnEachStore(title: string, body: (ctx: () => TestServer, kind: StoreKind) => void, options: Partial<ServerOptions> = {}): void {
  for (const kind of STORE_KINDS) {
    describe(`${title} [${kind}]`, function () {
      let current: TestServer | undefined;
      before(async function () {
        this.timeout(60_000);
        current = await startServerOn(await createTestStore(kind), options);
      });
      after(async function () {
        this.timeout(30_000);
        if (!current) return;
        current.clients.close();
        await current.server.stop('test finished');
        await current.store.drop();
      });
      body(() => {
        if (!current) throw new Error('test server not started');
        return current;
      }, kind);
    });
  }
}

/** Expects a rejected gRPC call with `code`; returns the error for further checks. */
export async function expectStatus(promise: Promise<unknown>, code: grpc.status): Promise<grpc.ServiceError> {
  try {
    await promise;
  } catch (err) {
    const e = err as grpc.ServiceError;
    if (e.code !== code) throw new Error(`expected ${grpc.status[code]}, got ${grpc.status[e.code] ?? e.code}: ${e.details ?? e.message}`);
    return e;
  }
  throw new Error(`expected ${grpc.status[code]}, but the call succeeded`);
}

/** Waits for `predicate` to hold, re-checking on each `tick`; fails after `deadlineMs`. Not a sleep: it returns as soon as the condition holds. */
export async function eventually<T>(what: string, check: () => Promise<T | undefined | null | false>, deadlineMs = 10_000, tickMs = 20): Promise<T> {
  const deadline = Date.now() + deadlineMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${deadlineMs}ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, tickMs));
  }
}
