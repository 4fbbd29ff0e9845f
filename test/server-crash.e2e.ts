import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { call, connect } from '../client/client';
import { openDatabase } from '../server/store/database';
import { startAgentProcess, tempDir, waitForState } from './helpers/agent-process';
import { exited, startCli } from './helpers/processes';
import { bootstrapToken } from './helpers/server';
import { createTestStore, STORE_KINDS, type TestStore } from './helpers/stores';

const READY = /"event":"server\.started"[^\n]*"port":(\d+)/;

function startServer(store: TestStore, port: number) {
  return startCli(['server', '--listen', `127.0.0.1:${port}`, '--http-listen', '127.0.0.1:0', '--database-url', store.url, '--migrate'], { TASKPLANE_LOG_LEVEL: 'info' }, READY);
}

for (const kind of STORE_KINDS) {
  describe(`a server killed with kill -9 with tasks in flight [${kind}]`, function () {
    this.timeout(90_000);
    let store: TestStore;
    const work = tempDir('crash');
    before(async () => {
      store = await createTestStore(kind);
    });
    after(async () => {
      await store.drop();
      fs.rmSync(work, { recursive: true, force: true });
    });

    it('loses no accepted task, settles each once after the restart, and writes no history row twice', async () => {
      let server = await startServer(store, 0);
      const port = Number(server.match[1]);
      const address = `127.0.0.1:${port}`;
      const clients = connect(address, { token: await bootstrapToken(store.url) });
      const release = path.join(work, 'release');
      const runs = path.join(work, 'runs');
      const { credential } = await call(clients.consumers, 'registerConsumer', { consumerId: 'farm-1' });
      process.env.TASKPLANE_TEST_FAKE_PACKAGES = '1';
      const agent = await startAgentProcess(address, 'farm-1', credential, tempDir('crash-agent'), ['--concurrency', '3']);
      try {
        const tasks = [];
        for (let i = 0; i < 6; i++) {
          tasks.push((await call(clients.tasks, 'createTask', { consumerId: 'farm-1', method: 'packages.install', argumentsJson: JSON.stringify({ packages: [`pkg-${i}`], release_file: release, runs_file: runs }) })).task!);
        }
        for (const t of tasks.slice(0, 3)) await waitForState(clients, t.id, ['TASK_STATE_RUNNING']);

        server.child.kill('SIGKILL');
        await exited(server.child);
        // The running installs finish while no server is there: their replies wait in the agent's journal.
        fs.writeFileSync(release, '');
        server = await startServer(store, port);

        for (const t of tasks) await waitForState(clients, t.id, ['TASK_STATE_SUCCEEDED', 'TASK_STATE_FAILED'], 30_000);
        const db = openDatabase(store.url);
        try {
          const rows = await db.knex('tasks').whereIn('id', tasks.map((t) => t.id));
          assert.deepEqual(rows.map((r) => r.state), Array(6).fill('SUCCEEDED'), 'every accepted task, none lost');
          const history = await db.knex('consumer_history').where({ consumer_id: 'farm-1', type: 'packages_installed' });
          assert.equal(history.length, 6, 'one history row per task');
          assert.deepEqual(history.map((h) => h.task_id).sort(), tasks.map((t) => t.id).sort());
        } finally {
          await db.close();
        }
        const ran = fs.readFileSync(runs, 'utf8').split('\n').filter(Boolean);
        assert.deepEqual([...ran].sort(), tasks.map((t) => t.id).sort(), 'each task ran exactly once');
      } finally {
        delete process.env.TASKPLANE_TEST_FAKE_PACKAGES;
        clients.close();
        await agent.stop();
        server.child.kill('SIGTERM');
        await exited(server.child);
      }
    });
  });
}
