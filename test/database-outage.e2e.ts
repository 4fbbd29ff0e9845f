import assert from 'node:assert/strict';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { protoPath as healthProtoPath } from 'grpc-health-check';
import { call } from '../client/client';
import { FakeAgent } from './helpers/fake-agent';
import { capturingLogger, eventually, expectStatus, startServerOn, type TestServer } from './helpers/server';
import { createTestStore, type TestStore } from './helpers/stores';
import { TcpProxy } from './helpers/tcp-proxy';

function healthOf(address: string): () => Promise<string> {
  const def = protoLoader.loadSync(healthProtoPath, { keepCase: true, enums: String });
  const proto = grpc.loadPackageDefinition(def) as any;
  const client = new proto.grpc.health.v1.Health(address, grpc.credentials.createInsecure());
  return () => new Promise((resolve, reject) => client.Check({ service: 'taskplane.v1.TaskService' }, (e: Error | null, r: { status: string }) => (e ? reject(e) : resolve(r.status))));
}

/**
 * Guarantee 9 for the database: while it is unreachable the server keeps
 * running, says so (health NOT_SERVING, calls UNAVAILABLE: retryable), and
 * serves again as soon as it answers. MySQL only: the embedded SQLite store
 * is a file in the server's own process, with no connection to lose.
 */
describe('a database outage [mysql]', function () {
  let store: TestStore;
  let proxy: TcpProxy;
  let t: TestServer;
  const log = capturingLogger();

  before(async function () {
    this.timeout(60_000);
    store = await createTestStore('mysql');
    const url = new URL(store.url);
    proxy = await TcpProxy.start({ host: url.hostname, port: Number(url.port || 3306) });
    url.port = String(proxy.port);
    t = await startServerOn({ ...store, url: url.toString() }, { logger: log.logger, agents: { acceptTimeoutMs: 300, maxUnacceptedSends: 1000, pollIntervalMs: 100 } });
  });
  after(async function () {
    this.timeout(30_000);
    t?.clients.close();
    await t?.server.stop('test finished');
    await proxy?.close();
    await store?.drop();
  });

  it('answers UNAVAILABLE and reports NOT_SERVING while the database is gone, survives its timers firing meanwhile, and serves again when it is back', async () => {
    const health = healthOf(t.address);
    const { credential } = await call(t.clients.consumers, 'registerConsumer', { consumerId: 'outage-host' });
    const agent = new FakeAgent(t.address, 'outage-host', credential);
    try {
      await agent.next('welcome', (m) => Boolean(m.welcome));
      const { task } = await call(t.clients.tasks, 'createTask', { consumerId: 'outage-host', method: 'testing.echo', argumentsJson: '{}' });
      // Never accepted: the server's resend timer keeps firing, through the outage.
      await agent.next('the request', (m) => m.taskRequest?.taskId === task!.id);
      assert.equal(await health(), 'SERVING');

      proxy.down();
      const refused = await expectStatus(call(t.clients.tasks, 'createTask', { consumerId: 'outage-host', method: 'testing.echo', argumentsJson: '{}' }), grpc.status.UNAVAILABLE);
      assert.match(refused.details, /database is unreachable/);
      await eventually('health NOT_SERVING', async () => (await health()) === 'NOT_SERVING', 10_000, 100);
      await eventually('a resend that failed on the outage, logged', async () => log.lines().some((l) => l.event === 'dispatch.background_failed' && l.what === 'resend'), 10_000, 50);

      proxy.restore();
      await eventually('health SERVING again', async () => (await health()) === 'SERVING', 10_000, 100);
      const again = await call(t.clients.tasks, 'createTask', { consumerId: 'outage-host', method: 'testing.echo', argumentsJson: '{}' });
      assert.ok(again.task!.id);
      // The first task was never lost: it is sent again, and settles.
      await agent.next('the request again', (m) => m.taskRequest?.taskId === task!.id, 10_000);
      agent.send({ reply: { taskId: task!.id, resultJson: '{}' } });
      await eventually('settled', async () => (await call(t.clients.tasks, 'getTask', { taskId: task!.id })).task!.state === 'TASK_STATE_SUCCEEDED');

      const sqlInLogs = log.lines().filter((l) => /\b(insert into|select .* from|update `tasks`|delete from)\b/i.test(JSON.stringify(l)));
      assert.deepEqual(sqlInLogs, [], 'no log line carries SQL text');
    } finally {
      agent.close();
    }
  });
});
