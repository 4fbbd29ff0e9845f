import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { call } from '../client/client';
import { openDatabase } from '../server/store/database';
import { parseServerList } from '../agent/agent';
import { startAgentProcess, tempDir, waitForState } from './helpers/agent-process';
import { eventually, startServerOn, type TestServer } from './helpers/server';
import { createTestStore, STORE_KINDS, type TestStore } from './helpers/stores';

const FAST = { agents: { pollIntervalMs: 100, heartbeatIntervalMs: 500 }, watchPollMs: 100, cluster: { leaseMs: 2000 } };

describe('agent server list', () => {
  it('reads one address, a comma-separated list or repeated flags, and refuses an empty one', () => {
    assert.deepEqual(parseServerList('a:1'), ['a:1']);
    assert.deepEqual(parseServerList('a:1, b:2,'), ['a:1', 'b:2']);
    assert.deepEqual(parseServerList(['a:1', 'b:2,c:3']), ['a:1', 'b:2', 'c:3']);
    assert.throws(() => parseServerList(' , '), /at least one server/);
  });
});

for (const kind of STORE_KINDS) {
  describe(`graceful shutdown of one of two servers under load [${kind}]`, function () {
    this.timeout(90_000);
    let store: TestStore;
    const servers: TestServer[] = [];
    before(async () => {
      store = await createTestStore(kind);
      servers.push(await startServerOn(store, FAST), await startServerOn(store, FAST));
    });
    after(async () => {
      for (const s of servers) {
        s.clients.close();
        await s.server.stop();
      }
      await store?.drop();
    });

    it("hands the stopping server's agent to the other: nothing lost, nothing run twice, no history twice", async () => {
      const work = tempDir('handoff');
      const release = path.join(work, 'release');
      const runs = path.join(work, 'runs');
      const [a] = servers;
      const { credential } = await call(a.clients.consumers, 'registerConsumer', { consumerId: 'handoff-1' });
      process.env.TASKPLANE_TEST_FAKE_PACKAGES = '1';
      const agent = await startAgentProcess(servers.map((s) => s.address).join(','), 'handoff-1', credential, tempDir('handoff-agent'), ['--concurrency', '4']);
      const db = openDatabase(store.url);
      try {
        const holder = async () => (await db.knex('consumers').where({ id: 'handoff-1' }).first())?.session_server_id;
        const heldBy = await eventually('the agent stream to be recorded', holder);
        const leaving = servers.find((s) => s.server.lease.serverId === heldBy)!;
        const staying = servers.find((s) => s !== leaving)!;
        const tasks = [];
        for (let i = 0; i < 24; i++) {
          const args = { packages: [`pkg-${i}`], release_file: release, runs_file: runs };
          tasks.push((await call(staying.clients.tasks, 'createTask', { consumerId: 'handoff-1', method: 'packages.install', argumentsJson: JSON.stringify(args) })).task!);
        }
        await eventually('four installs running', async () => (await db.knex('tasks').where({ consumer_id: 'handoff-1', state: 'RUNNING' }).count({ n: '*' }))[0].n == 4);

        servers.splice(servers.indexOf(leaving), 1);
        leaving.clients.close();
        await leaving.server.stop('test: graceful stop under load');
        await eventually('the agent to reconnect to the other server', async () => (await holder()) === staying.server.lease.serverId, 15_000);
        fs.writeFileSync(release, '');

        for (const t of tasks) await waitForState(staying.clients, t.id, ['TASK_STATE_SUCCEEDED', 'TASK_STATE_FAILED'], 30_000);
        const rows = await db.knex('tasks').whereIn('id', tasks.map((t) => t.id));
        assert.deepEqual(rows.map((r) => r.state), Array(tasks.length).fill('SUCCEEDED'), 'none lost');
        const history = await db.knex('consumer_history').where({ consumer_id: 'handoff-1', type: 'packages_installed' });
        assert.deepEqual(history.map((h) => h.task_id).sort(), tasks.map((t) => t.id).sort(), 'one history row per task');
        const ran = fs.readFileSync(runs, 'utf8').split('\n').filter(Boolean);
        assert.deepEqual([...ran].sort(), tasks.map((t) => t.id).sort(), 'each task ran exactly once');
      } finally {
        delete process.env.TASKPLANE_TEST_FAKE_PACKAGES;
        await agent.stop();
        await db.close();
      }
    });
  });
}
