import assert from 'node:assert/strict';
import * as grpc from '@grpc/grpc-js';
import { call } from '../client/client';
import type { Task__Output as Task } from '../protos/generated/taskplane/v1/Task';
import { loadClusterProtos } from '../protos/loader';
import { FakeAgent } from './helpers/fake-agent';
import { waitForState } from './helpers/agent-process';
import { eventually, expectStatus, startServerOn, type TestServer } from './helpers/server';
import { createTestStore, STORE_KINDS, type TestStore } from './helpers/stores';
import { openDatabase } from '../server/store/database';

// Neither server polls for the other's work within a test: whatever reaches
// an agent on B from A does so through the direct wake-up.
const NO_POLL = { agents: { pollIntervalMs: 60_000, heartbeatIntervalMs: 500 }, watchPollMs: 100 };

for (const kind of STORE_KINDS) {
  describe(`waking the server that holds a stream [${kind}]`, function () {
    this.timeout(30_000);
    let store: TestStore;
    let a: TestServer;
    let b: TestServer;
    before(async () => {
      store = await createTestStore(kind);
      a = await startServerOn(store, NO_POLL);
      b = await startServerOn(store, NO_POLL);
    });
    after(async () => {
      for (const s of [a, b]) {
        s?.clients.close();
        await s?.server.stop();
      }
      await store?.drop();
    });

    it('sends a task created on A to the agent on B at once, not at the next poll', async () => {
      const { credential } = await call(a.clients.consumers, 'registerConsumer', { consumerId: 'wake-1' });
      const agent = new FakeAgent(b.address, 'wake-1', credential, { concurrency: 4 });
      try {
        await agent.next('welcome', (m) => Boolean(m.welcome));
        for (let i = 0; i < 3; i++) {
          const { task } = await call(a.clients.tasks, 'createTask', { consumerId: 'wake-1', method: 'testing.echo' });
          // B's poll is a minute away: only the wake-up can deliver it within the deadline.
          assert.equal((await agent.taskRequest(5000)).taskId, task!.id);
          agent.send({ accepted: { taskId: task!.id } });
          agent.send({ reply: { taskId: task!.id, resultJson: '{}' } });
          await waitForState(a.clients, task!.id, ['TASK_STATE_SUCCEEDED']);
        }
      } finally {
        agent.close();
      }
    });

    /**
     * A new consumer's agent on B, once A has learnt that its stream is
     * there (the first create's wake-up reads it), and the first create on
     * A that B then made and handed off.
     */
    async function agentKnownOnB(consumerId: string): Promise<{ agent: FakeAgent; handedOff: Task }> {
      const { credential } = await call(a.clients.consumers, 'registerConsumer', { consumerId });
      const agent = new FakeAgent(b.address, consumerId, credential, { concurrency: 4 });
      await agent.next('welcome', (m) => Boolean(m.welcome));
      const first = (await call(a.clients.tasks, 'createTask', { consumerId, method: 'testing.echo' })).task!;
      assert.equal(first.state, 'TASK_STATE_WAITING');
      assert.equal((await agent.taskRequest(5000)).taskId, first.id);
      const handedOff = await eventually('a create on A made and handed off by B', async () => {
        const { task } = await call(a.clients.tasks, 'createTask', { consumerId, method: 'testing.echo', labels: { try: 'again' } });
        assert.equal((await agent.taskRequest(5000)).taskId, task!.id);
        return task!.state === 'TASK_STATE_DISPATCHED' ? task! : null;
      });
      return { agent, handedOff };
    }

    it('has B create a task made on A for B\'s agent, once A knows the stream is there, and hand it off in that transaction', async () => {
      const { agent, handedOff } = await agentKnownOnB('wake-3');
      try {
        assert.equal(handedOff.attempt, 1);
        const stored = (await call(a.clients.tasks, 'getTask', { taskId: handedOff.id })).task!;
        assert.equal(stored.state, 'TASK_STATE_DISPATCHED');
        assert.equal(stored.labels.try, 'again');
        // The audit row of the call that created it, written once, by the server that committed it.
        const db = openDatabase(store.url);
        try {
          const rows = await db.knex('audit_events').where({ resource: `task/${handedOff.id}` });
          assert.equal(rows.length, 1);
          assert.match(rows[0].rpc, /CreateTask$/);
        } finally {
          await db.close();
        }
      } finally {
        agent.close();
      }
    });

    it('has B refuse, from its stream\'s hello, a create on A of a method B\'s agent does not offer, writing nothing', async () => {
      const { agent } = await agentKnownOnB('wake-4');
      try {
        const refused = await expectStatus(call(a.clients.tasks, 'createTask', { consumerId: 'wake-4', method: 'packages.instal' }), grpc.status.FAILED_PRECONDITION);
        assert.match(refused.details, /method "packages.instal" is not offered by consumer wake-4's agent \(fake\/1\); it offers: .*packages.install/);
        const { tasks } = await call(a.clients.tasks, 'listTasks', { consumerId: 'wake-4', pageSize: 100 });
        assert.ok(tasks!.every((t) => t.method === 'testing.echo'), 'nothing written for the refused create');
        const forced = (await call(a.clients.tasks, 'createTask', { consumerId: 'wake-4', method: 'packages.instal', allowUnknownMethod: true })).task!;
        assert.equal(forced.method, 'packages.instal');
      } finally {
        agent.close();
      }
    });

    it('delivers a cancel requested on A to the agent on B at once', async () => {
      const { credential } = await call(a.clients.consumers, 'registerConsumer', { consumerId: 'wake-2' });
      const agent = new FakeAgent(b.address, 'wake-2', credential);
      try {
        await agent.next('welcome', (m) => Boolean(m.welcome));
        const { task } = await call(b.clients.tasks, 'createTask', { consumerId: 'wake-2', method: 'testing.echo' });
        await agent.taskRequest(5000);
        agent.send({ accepted: { taskId: task!.id } });
        await waitForState(a.clients, task!.id, ['TASK_STATE_RUNNING']);
        await call(a.clients.tasks, 'cancelTask', { taskId: task!.id });
        await agent.next('the cancellation', (m) => m.cancellation?.taskId === task!.id, 5000);
      } finally {
        agent.close();
      }
    });

    it('refuses a Wake or a CreateTasks without the cluster secret', async () => {
      const db = openDatabase(store.url);
      let address: string;
      try {
        address = (await db.knex('servers').where({ id: b.server.lease.serverId }).first()).internal_address;
      } finally {
        await db.close();
      }
      const client = new (loadClusterProtos().taskplane.v1.ClusterService)(address, grpc.credentials.createInsecure());
      try {
        const wake = (metadata: grpc.Metadata) => new Promise((resolve, reject) => client.wake({ workConsumerIds: ['wake-1'] }, metadata, (err, res) => (err ? reject(err) : resolve(res))));
        await expectStatus(wake(new grpc.Metadata()), grpc.status.UNAUTHENTICATED);
        const wrong = new grpc.Metadata();
        wrong.set('authorization', 'Bearer not-the-secret');
        await expectStatus(wake(wrong), grpc.status.UNAUTHENTICATED);
        const createTasks = (metadata: grpc.Metadata) => new Promise((resolve, reject) => client.createTasks({ format: 1, createJson: Buffer.from('{"tasks":[],"audit":[]}') }, metadata, (err, res) => (err ? reject(err) : resolve(res))));
        await expectStatus(createTasks(wrong), grpc.status.UNAUTHENTICATED);
      } finally {
        client.close();
      }
    });

    it('does not serve ClusterService on the public port', async () => {
      const client = new (loadClusterProtos().taskplane.v1.ClusterService)(b.address, grpc.credentials.createInsecure());
      try {
        await expectStatus(new Promise((resolve, reject) => client.wake({}, (err, res) => (err ? reject(err) : resolve(res)))), grpc.status.UNIMPLEMENTED);
      } finally {
        client.close();
      }
    });
  });
}
