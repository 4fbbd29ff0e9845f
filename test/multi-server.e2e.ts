import assert from 'node:assert/strict';
import * as grpc from '@grpc/grpc-js';
import { call } from '../client/client';
import { FakeAgent } from './helpers/fake-agent';
import { waitForState } from './helpers/agent-process';
import { startServerOn, type TestServer } from './helpers/server';
import { createTestStore, STORE_KINDS, type TestStore } from './helpers/stores';

const OPTIONS = { agents: { pollIntervalMs: 100, heartbeatIntervalMs: 500 }, watchPollMs: 100 };

for (const kind of STORE_KINDS) {
  describe(`two servers on one database [${kind}]`, function () {
    this.timeout(30_000);
    let store: TestStore;
    let a: TestServer;
    let b: TestServer;
    before(async () => {
      store = await createTestStore(kind);
      a = await startServerOn(store, OPTIONS);
      b = await startServerOn(store, OPTIONS);
    });
    after(async () => {
      for (const s of [a, b]) {
        s?.clients.close();
        await s?.server.stop();
      }
      await store?.drop();
    });

    async function agentOn(server: TestServer, consumerId: string, credential: string) {
      const agent = new FakeAgent(server.address, consumerId, credential);
      await agent.next('welcome', (m) => Boolean(m.welcome));
      return agent;
    }

    it('delivers a task created on one server to the agent held by the other, and both see it settle', async () => {
      const { credential } = await call(a.clients.consumers, 'registerConsumer', { consumerId: 'cross-1' });
      const agent = await agentOn(b, 'cross-1', credential);
      try {
        const { task } = await call(a.clients.tasks, 'createTask', { consumerId: 'cross-1', method: 'testing.echo' });
        const request = await agent.taskRequest(5000);
        assert.equal(request.taskId, task!.id);
        const settled = waitForState(a.clients, task!.id, ['TASK_STATE_SUCCEEDED']);
        agent.send({ accepted: { taskId: task!.id } });
        agent.send({ reply: { taskId: task!.id, resultJson: '{"via":"b"}' } });
        await settled;
      } finally {
        agent.close();
      }
    });

    it('passes a cancel made on one server to the agent held by the other', async () => {
      const { credential } = await call(a.clients.consumers, 'registerConsumer', { consumerId: 'cross-2' });
      const agent = await agentOn(b, 'cross-2', credential);
      try {
        const { task } = await call(a.clients.tasks, 'createTask', { consumerId: 'cross-2', method: 'testing.echo' });
        await agent.taskRequest(5000);
        agent.send({ accepted: { taskId: task!.id } });
        await waitForState(a.clients, task!.id, ['TASK_STATE_RUNNING']);
        await call(a.clients.tasks, 'cancelTask', { taskId: task!.id });
        const cancellation = await agent.next('the cancellation', (m) => m.cancellation?.taskId === task!.id, 5000);
        assert.ok(cancellation.cancellation);
        agent.send({ reply: { taskId: task!.id, error: { type: 'Canceled', message: 'stopped', detailsJson: '' } } });
        await waitForState(a.clients, task!.id, ['TASK_STATE_CANCELED']);
      } finally {
        agent.close();
      }
    });

    it('keeps one live stream per consumer across servers: a reconnect to the other server ends the first stream', async () => {
      const { credential } = await call(a.clients.consumers, 'registerConsumer', { consumerId: 'cross-3' });
      const first = await agentOn(a, 'cross-3', credential);
      const second = await agentOn(b, 'cross-3', credential);
      try {
        const status = await first.closed(5000);
        assert.equal(status.code, grpc.status.ABORTED);
        const { task } = await call(a.clients.tasks, 'createTask', { consumerId: 'cross-3', method: 'testing.echo' });
        assert.equal((await second.taskRequest(5000)).taskId, task!.id);
      } finally {
        first.close();
        second.close();
      }
    });
  });
}

for (const kind of STORE_KINDS) {
  describe(`handing new tasks straight to a local stream [${kind}]`, function () {
    this.timeout(30_000);
    let store: TestStore;
    let a: TestServer;
    let b: TestServer;
    before(async () => {
      store = await createTestStore(kind);
      // A does not wake B directly either (see the cross-server wake tests for that).
      a = await startServerOn(store, { ...OPTIONS, cluster: { wake: false } });
      // B polls for other servers' work only once a minute: within this test it never sees A's tasks on its own.
      b = await startServerOn(store, { agents: { pollIntervalMs: 60_000 } });
    });
    after(async () => {
      for (const s of [a, b]) {
        s?.clients.close();
        await s?.server.stop();
      }
      await store?.drop();
    });

    it('never lets a new task overtake an older one waiting for the same consumer (FIFO across servers)', async () => {
      const { credential } = await call(a.clients.consumers, 'registerConsumer', { consumerId: 'fifo-x' });
      const agent = new FakeAgent(b.address, 'fifo-x', credential, { concurrency: 2 });
      try {
        await agent.next('welcome', (m) => Boolean(m.welcome));
        // Settle the stream's first claim (nothing waiting yet), so B believes the consumer has no backlog.
        const warm = (await call(b.clients.tasks, 'createTask', { consumerId: 'fifo-x', method: 'testing.echo' })).task!;
        assert.equal((await agent.taskRequest()).taskId, warm.id);
        agent.send({ accepted: { taskId: warm.id } });
        agent.send({ reply: { taskId: warm.id, resultJson: '{}' } });
        await agent.next('ack', (m) => m.replyAck?.taskId === warm.id);
        const older = (await call(a.clients.tasks, 'createTask', { consumerId: 'fifo-x', method: 'testing.echo' })).task!;
        const newer = (await call(b.clients.tasks, 'createTask', { consumerId: 'fifo-x', method: 'testing.echo' })).task!;
        assert.notEqual(newer.state, 'TASK_STATE_DISPATCHED', 'not handed off past the older waiting task');
        const first = await agent.taskRequest();
        const second = await agent.taskRequest();
        assert.deepEqual([first.taskId, second.taskId], [older.id, newer.id]);
      } finally {
        agent.close();
      }
    });
  });
}
