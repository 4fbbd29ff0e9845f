import assert from 'node:assert/strict';
import * as grpc from '@grpc/grpc-js';
import { call, connect } from '../client/client';
import { serverConfig } from '../server/config';
import { openDatabase, type Database } from '../server/store/database';
import { reapServer } from '../server/store/server-store';
import { FakeAgent } from './helpers/fake-agent';
import { waitForState } from './helpers/agent-process';
import { exited, startCli } from './helpers/processes';
import { eventually, startServerOn, type TestServer } from './helpers/server';
import { createTestStore, STORE_KINDS, type TestStore } from './helpers/stores';

const READY = /"event":"server\.started"[^\n]*"port":(\d+)/;
/** Short leases, so a dead server is noticed within a test. */
const FAST = { agents: { pollIntervalMs: 100, heartbeatIntervalMs: 500 }, watchPollMs: 100, cluster: { leaseMs: 1000, renewIntervalMs: 100 } };

for (const kind of STORE_KINDS) {
  describe(`server leases [${kind}]`, function () {
    this.timeout(60_000);
    let store: TestStore;
    let a: TestServer;
    let db: Database;
    before(async () => {
      store = await createTestStore(kind);
      a = await startServerOn(store, FAST);
      db = openDatabase(store.url);
    });
    after(async () => {
      a?.clients.close();
      await a?.server.stop();
      await db?.close();
      await store?.drop();
    });

    it('holds a lease with its internal address while it runs, and gives it up when it stops', async () => {
      const b = await startServerOn(store, FAST);
      const id = b.server.lease.serverId;
      const row = await db.knex('servers').where({ id }).first();
      assert.ok(row, 'a lease row while running');
      assert.match(row.internal_address, /^127\.0\.0\.1:\d+$/);
      assert.ok(Number(row.lease_expires_time) > Date.now());
      b.clients.close();
      await b.server.stop();
      assert.equal(await db.knex('servers').where({ id }).first(), undefined, 'no lease after a graceful stop');
    });

    it("marks a killed server's consumers offline, and another server takes a cancel of their tasks at once, as a request for the agent", async () => {
      const server = await startCli(['server', '--listen', '127.0.0.1:0', '--http-listen', '127.0.0.1:0', '--database-url', store.url, '--migrate', '--server-lease', '1'], { TASKPLANE_LOG_LEVEL: 'info' }, READY);
      const address = `127.0.0.1:${server.match[1]}`;
      const { credential } = await call(a.clients.consumers, 'registerConsumer', { consumerId: 'orphan-1' });
      const agent = new FakeAgent(address, 'orphan-1', credential);
      try {
        await agent.next('welcome', (m) => Boolean(m.welcome));
        const { task } = await call(a.clients.tasks, 'createTask', { consumerId: 'orphan-1', method: 'testing.echo' });
        assert.equal((await agent.taskRequest()).taskId, task!.id);
        agent.send({ accepted: { taskId: task!.id } });
        await waitForState(a.clients, task!.id, ['TASK_STATE_RUNNING']);
        assert.equal((await call(a.clients.consumers, 'getConsumer', { consumerId: 'orphan-1' })).consumer!.online, true);

        server.child.kill('SIGKILL');
        await exited(server.child);
        await eventually('the consumer of the dead server to show offline', async () => !(await call(a.clients.consumers, 'getConsumer', { consumerId: 'orphan-1' })).consumer!.online, 10_000, 50);
        const servers = await db.knex('servers').select('id');
        assert.deepEqual(servers.map((r) => r.id), [a.server.lease.serverId], 'the dead server lease was reaped');
        // Its agent is away: the cancel is recorded now, on the surviving server, and waits for the agent's real
        // outcome (or the abandon deadline); nobody decides for it what the host did.
        const { task: asked } = await call(a.clients.tasks, 'cancelTask', { taskId: task!.id });
        assert.equal(asked!.state, 'TASK_STATE_RUNNING');
        assert.ok(asked!.cancelRequestedTime, 'the request is recorded');
      } finally {
        agent.close();
        server.child.kill('SIGKILL');
        await exited(server.child);
      }
    });

    it('ends its streams UNAVAILABLE, not ABORTED, and takes a new lease when it finds its lease reaped', async () => {
      const b = await startServerOn(store, FAST);
      const { credential } = await call(a.clients.consumers, 'registerConsumer', { consumerId: 'paused-1' });
      const agent = new FakeAgent(b.address, 'paused-1', credential);
      try {
        await agent.next('welcome', (m) => Boolean(m.welcome));
        const id = b.server.lease.serverId;
        // What another server does once B's lease lapsed (B paused longer than the lease).
        await db.knex.transaction(async (trx) => {
          await trx('servers').where({ id }).update({ lease_expires_time: 0 });
          assert.deepEqual(await reapServer(trx, id, Date.now()), ['paused-1']);
        });
        const status = await agent.closed(5000);
        assert.equal(grpc.status[status.code], 'UNAVAILABLE', 'the agent reconnects rather than stopping');
        await eventually('B to take a new lease', async () => (await db.knex('servers').where({ id }).first()) !== undefined, 5000);
        // And it serves again: a new stream of the same consumer is welcomed and gets work.
        const again = new FakeAgent(b.address, 'paused-1', credential);
        try {
          await again.next('welcome', (m) => Boolean(m.welcome));
          const { task } = await call(b.clients.tasks, 'createTask', { consumerId: 'paused-1', method: 'testing.echo' });
          assert.equal((await again.taskRequest()).taskId, task!.id);
        } finally {
          again.close();
        }
      } finally {
        agent.close();
        b.clients.close();
        await b.server.stop();
      }
    });

    it('lets exactly one of several reapers win a lapsed lease', async () => {
      await db.knex('servers').insert({ id: 'ghost-1', internal_address: null, started_time: 0, renewed_time: 0, lease_expires_time: 1 });
      await db.knex('consumers').insert({ id: 'ghost-c', display_name: 'g', labels_json: '{}', credential_hash: 'x', create_time: 0, session_id: 'ghost-session', session_server_id: 'ghost-1' });
      const outcomes = await Promise.all([0, 1, 2, 3].map(() => db.knex.transaction((trx) => reapServer(trx, 'ghost-1', Date.now())).catch((err) => err)));
      assert.equal(outcomes.filter((o) => Array.isArray(o)).length, 1, `one winner: ${JSON.stringify(outcomes)}`);
      const row = await db.knex('consumers').where({ id: 'ghost-c' }).first();
      assert.equal(row.session_id, null);
      assert.equal(row.session_server_id, null);
    });
  });
}

describe('cli: server lease flags', () => {
  it('refuses a lease that is not a positive number of seconds, naming the flag', () => {
    assert.throws(() => serverConfig({ 'server-lease': '0' }, {}), /server-lease/);
    assert.throws(() => serverConfig({ 'cluster-listen': 'nohost' }, {}), /cluster-listen/);
    assert.equal(serverConfig({}, {}).serverLeaseMs, 10_000);
  });
});
