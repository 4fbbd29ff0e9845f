import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { service as healthService } from 'grpc-health-check';
import { call } from '../../client/client';
import { Agent } from '../../agent/agent';
import { PluginRegistry } from '../../agent/plugin-api';
import { loadTaskplaneProtos } from '../../protos/loader';
import { FakeAgent } from '../helpers/fake-agent';
import { tempDir, waitForState } from '../helpers/agent-process';
import { eventually, expectStatus, startServerOn, testLogger, type TestServer } from '../helpers/server';
import { createTestStore, type TestStore } from '../helpers/stores';
import { register as registerTestingPlugin } from '../fixtures/testing-plugin';
import { assertNoUnhandledRejections, TcpProxy } from './harness';

/**
 * The defects of issue 9's list, one case each, against a real server on
 * MariaDB reached through a TCP proxy (so the database can be taken away).
 * Each case names the defect it keeps fixed.
 */
describe('fault suite: the defects of the issue', function () {
  this.timeout(120_000);
  let store: TestStore;
  let dbProxy: TcpProxy;
  let ts: TestServer;
  let mysqlPort: number;

  before(async () => {
    store = await createTestStore('mysql');
    const u = new URL(store.url.replace(/^mysql:/, 'http:'));
    mysqlPort = Number(u.port || 3306);
    dbProxy = new TcpProxy(() => mysqlPort);
    await dbProxy.start();
    ts = await startServerOn({ ...store, url: store.url.replace(u.host, dbProxy.address) }, { agents: { pollIntervalMs: 100, heartbeatIntervalMs: 500, acceptTimeoutMs: 500 } });
  });
  after(async () => {
    ts?.clients.close();
    await ts?.server.stop();
    await dbProxy?.stop();
    await store?.drop();
  });
  afterEach(() => assertNoUnhandledRejections());

  let n = 0;
  async function agentFor(concurrency = 1): Promise<{ consumerId: string; agent: FakeAgent }> {
    const consumerId = `defect-${++n}`;
    const { credential } = await call(ts.clients.consumers, 'registerConsumer', { consumerId });
    const agent = new FakeAgent(ts.address, consumerId, credential, { concurrency });
    await agent.next('welcome', (m) => Boolean(m.welcome));
    return { consumerId, agent };
  }

  // Defect 1 (an oversized reply failed its whole settlement batch): limits are enforced at the edge.
  it('1. an oversized reply settles its own task as the agent said, cut to the limits, and fails no other report', async () => {
    const bad = await agentFor();
    const good = await agentFor();
    try {
      const t1 = (await call(ts.clients.tasks, 'createTask', { consumerId: bad.consumerId, method: 'testing.echo' })).task!;
      const t2 = (await call(ts.clients.tasks, 'createTask', { consumerId: good.consumerId, method: 'testing.echo' })).task!;
      await bad.agent.taskRequest();
      await good.agent.taskRequest();
      bad.agent.send({ reply: { taskId: t1.id, error: { type: 'E'.repeat(300), message: 'm'.repeat(70_000), detailsJson: '' } } });
      good.agent.send({ reply: { taskId: t2.id, resultJson: '{}' } });
      await waitForState(ts.clients, t2.id, ['TASK_STATE_SUCCEEDED']);
      const failed = await waitForState(ts.clients, t1.id, ['TASK_STATE_FAILED']);
      assert.equal(failed.error?.type, 'E'.repeat(128), 'the error type is cut to its limit');
      assert.match(failed.error!.message, /\[cut: 70000 bytes in all\]$/);
      assert.equal(good.agent.ended, null, 'the other agent stays connected');
    } finally {
      bad.agent.close();
      good.agent.close();
    }
  });

  // Defect 2 (the 30 s resend timer's promise rejected unhandled while the database was down): the resend is guarded on
  // this branch already, so this case passes; it stays to keep it so (the lead's fix hunts the other unhandled promises).
  it('2. the database down while an unaccepted task is resent: no unhandled rejection, the server stays up', async () => {
    const { consumerId, agent } = await agentFor();
    try {
      await call(ts.clients.tasks, 'createTask', { consumerId, method: 'testing.echo' });
      await agent.taskRequest();
      dbProxy.cut();
      await dbProxy.stop();
      // acceptTimeoutMs is 500 ms here: the resend runs while the database is away.
      await new Promise((resolve) => setTimeout(resolve, 1500)); // the outage's length, not a synchronisation
      assertNoUnhandledRejections();
      await dbProxy.start();
      await eventually('the server to serve again', () => call(ts.clients.consumers, 'listConsumers', { pageSize: 1 }).then(() => true, () => false), 20_000, 100);
    } finally {
      if (!dbProxy.listening) await dbProxy.start();
      agent.close();
    }
  });

  // Defect 3 (a lost database connection was INTERNAL to clients and health stayed SERVING).
  it('3. the database unreachable: clients get UNAVAILABLE and health says NOT_SERVING, then SERVING again', async () => {
    const health = new (grpc.makeGenericClientConstructor(healthService, 'Health'))(ts.address, grpc.credentials.createInsecure()) as grpc.Client & Record<string, any>;
    const status = () => new Promise<string>((resolve, reject) => health.check({ service: '' }, (err: Error | null, res: { status: string }) => (err ? reject(err) : resolve(res.status))));
    try {
      dbProxy.cut();
      await dbProxy.stop();
      await expectStatus(call(ts.clients.tasks, 'createTask', { consumerId: 'nobody', method: 'testing.echo' }), grpc.status.UNAVAILABLE);
      await eventually('health NOT_SERVING', async () => (await status()) === 'NOT_SERVING');
      await dbProxy.start();
      await eventually('health SERVING again', async () => (await status()) === 'SERVING');
    } finally {
      if (!dbProxy.listening) await dbProxy.start();
      health.close();
    }
  });

  // Defect 4 (the agent marked a task running only after its journal write: a second copy during the write ran it again).
  it('4. two back-to-back copies of one request run the handler once', async () => {
    const runs = path.join(tempDir('defect4'), 'runs');
    const taskId = '00000000-0000-4000-8000-000000000004';
    // A server that sends the same request twice in a row, as redelivery under churn can.
    const server = new grpc.Server();
    server.addService(loadTaskplaneProtos().taskplane.v1.AgentService.service, {
      Connect: (stream: grpc.ServerDuplexStream<any, any>) => {
        stream.once('data', () => {
          stream.write({ welcome: { serverId: 'twice' } });
          const request = { taskRequest: { taskId, method: 'testing.echo', argumentsJson: JSON.stringify({ runs_file: runs }), attempt: 1 } };
          stream.write(request);
          stream.write(request);
        });
        stream.on('data', () => {});
      },
    });
    const port = await new Promise<number>((resolve, reject) => server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))));
    const plugins = new PluginRegistry();
    registerTestingPlugin(plugins);
    const agent = new Agent({ server: `127.0.0.1:${port}`, consumerId: 'twice', token: 't', stateDir: tempDir('defect4-agent'), plugins, logger: testLogger, concurrency: 2 });
    const running = agent.run();
    try {
      await eventually('the task to run', async () => fs.existsSync(runs));
      await agent.stop();
      await running;
      assert.equal(fs.readFileSync(runs, 'utf8').split('\n').filter(Boolean).length, 1, 'ran once');
    } finally {
      await agent.stop();
      server.forceShutdown();
    }
  });

  // Defect 5 (per-stream write queues were unbounded; a reader that stops reading grew the server).
  it('5. an agent that stops reading is cut off once its queue passes its bound', async () => {
    const { consumerId, agent } = await agentFor();
    try {
      // Replies for unknown ids are each acked; the agent reads none of the acks.
      agent.stopReading();
      for (let i = 0; i < 200_000 && !agent.ended; i++) agent.send({ reply: { taskId: `unknown-${i}`, resultJson: '{}' } });
      // The server ends the stream (its consumer goes offline); a client that does not read sees the status only once it reads again.
      // The deadline is generous: grpc-js hands a client stream's messages to HTTP/2 one write at a time, so
      // delivery is a ping-pong through the scheduler, and on a loaded 2-core machine it was seen at 90 messages
      // a second, against the ~6,000 acks (the flow-control window plus the 4,096 queued) the bound needs.
      await eventually('the stream cut off', async () => (await ts.server.db.knex('consumers').where({ id: consumerId }).first()).session_id === null, 240_000, 100);
      agent.resumeReading();
      const status = await agent.closed(30_000);
      assert.notEqual(status.code, grpc.status.OK);
    } finally {
      agent.close();
    }
  });

  // Defect 6 (the 1 MiB result limit of the proto was not enforced).
  it('6. a result over 1 MiB is not stored: the task succeeds, its result replaced by its size', async () => {
    const { consumerId, agent } = await agentFor();
    try {
      const task = (await call(ts.clients.tasks, 'createTask', { consumerId, method: 'testing.echo' })).task!;
      await agent.taskRequest();
      agent.send({ reply: { taskId: task.id, resultJson: JSON.stringify('x'.repeat(2 * 1024 * 1024)) } });
      await waitForState(ts.clients, task.id, ['TASK_STATE_SUCCEEDED']);
      const { task: done } = await call(ts.clients.tasks, 'getTask', { taskId: task.id });
      assert.ok(JSON.parse(done!.resultJson).result_too_large.bytes > 2 * 1024 * 1024);
    } finally {
      agent.close();
    }
  });

  // Defect 7 (a task dispatched and never accepted was resent forever).
  it('7. a task never accepted leaves DISPATCHED by its acceptance deadline', async () => {
    const { consumerId, agent } = await agentFor();
    try {
      const task = (await call(ts.clients.tasks, 'createTask', { consumerId, method: 'testing.echo' })).task!;
      await agent.taskRequest();
      // The agent heartbeats but never accepts.
      await eventually('the task to leave DISPATCHED', async () => (await call(ts.clients.tasks, 'getTask', { taskId: task.id })).task!.state !== 'TASK_STATE_DISPATCHED', 60_000, 200);
    } finally {
      agent.close();
    }
  });

  // Defect 9 (every progress report was stored: floods cost a query each).
  it('9. a progress flood is coalesced: the task keeps the latest, events are stored at a bounded rate', async () => {
    const { consumerId, agent } = await agentFor();
    try {
      const task = (await call(ts.clients.tasks, 'createTask', { consumerId, method: 'testing.echo' })).task!;
      await agent.taskRequest();
      agent.send({ accepted: { taskId: task.id } });
      for (let i = 0; i < 5000; i++) agent.send({ progress: { taskId: task.id, percent: i % 100, message: `step ${i}`, detailsJson: JSON.stringify({ pad: 'p'.repeat(9000) }) } });
      agent.send({ progress: { taskId: task.id, percent: 99, message: 'last', detailsJson: '' } });
      await eventually('the latest progress', async () => (await call(ts.clients.tasks, 'getTask', { taskId: task.id })).task!.progress?.message === 'last', 30_000, 100);
      const events = await new Promise<number>((resolve, reject) => {
        let count = 0;
        const s = ts.clients.tasks.watchTask({ taskId: task.id }, { deadline: Date.now() + 2000 });
        s.on('data', () => count++);
        s.on('error', (err: grpc.ServiceError) => (err.code === grpc.status.DEADLINE_EXCEEDED ? resolve(count) : reject(err)));
        s.on('end', () => resolve(count));
      });
      assert.ok(events < 500, `progress events stored: ${events}`);
    } finally {
      agent.close();
    }
  });
});
