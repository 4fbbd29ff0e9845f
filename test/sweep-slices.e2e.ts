import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { call } from '../client/client';
import { openDatabase } from '../server/store/database';
import { insertTasks } from '../server/store/task-store';
import { FakeAgent } from './helpers/fake-agent';
import { describeOnEachStore, type TestServer } from './helpers/server';

/** A task stored without this server hearing of it, as another server's CreateTask would. */
async function storeTaskElsewhere(t: TestServer, consumerId: string): Promise<string> {
  const db = openDatabase(t.store.url);
  const id = crypto.randomUUID();
  try {
    await db.knex.transaction((trx) =>
      insertTasks(trx, [{ id, consumerId, method: 'testing.echo', argumentsJson: '{}', state: 'WAITING', labels: {}, idempotencyKey: null, requestHash: null, createTime: Date.now(), notBeforeTime: null, notAfterTime: null, timeoutMs: null }]),
    );
  } finally {
    await db.close();
  }
  return id;
}

describeOnEachStore(
  'the safety-net poll, one stream per tick',
  (ctx) => {
    it('still finds work stored behind its back for every stream, and heartbeats keep idle ones alive', async () => {
      const t = ctx();
      const ids = ['sweep-a', 'sweep-b', 'sweep-c'];
      const agents: FakeAgent[] = [];
      try {
        for (const consumerId of ids) {
          const credential = (await call(t.clients.consumers, 'registerConsumer', { consumerId })).credential;
          const agent = new FakeAgent(t.address, consumerId, credential);
          agents.push(agent);
          await agent.next('welcome', (m) => m.welcome != null);
        }
        // The server heartbeats each stream (one shared timer); the agents answer, so none is cut as silent.
        for (const agent of agents) {
          await agent.next('a heartbeat', (m) => m.heartbeat != null, 5_000);
          agent.send({ heartbeat: {} });
        }
        const taskIds = [];
        for (const consumerId of ids) taskIds.push(await storeTaskElsewhere(t, consumerId));
        for (const [i, agent] of agents.entries()) {
          const m = await agent.next(`the task stored for ${ids[i]}`, (r) => r.taskRequest != null, 10_000);
          assert.equal(m.taskRequest!.taskId, taskIds[i]);
        }
      } finally {
        for (const agent of agents) agent.close();
      }
    });
  },
  { agents: { sweepSlice: 1, pollIntervalMs: 50, heartbeatIntervalMs: 300, livenessTimeoutMs: 3_000 } },
);
