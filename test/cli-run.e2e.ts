import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { call } from '../client/client';
import { EXIT } from '../common/exit-codes';
import { CLI, runCli } from './helpers/processes';
import { startAgentProcess, tempDir, type AgentProcess } from './helpers/agent-process';
import { eventually, startServerOn, type TestServer } from './helpers/server';
import { createTestStore } from './helpers/stores';

/**
 * `task run` (create, follow, print the result, exit with the outcome) and
 * `task watch` following a task across a server restart: the real binary
 * against a real server and a real agent.
 */

function cliEnv(t: TestServer, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return { TASKPLANE_SERVER: t.address, TASKPLANE_TOKEN: t.token, TASKPLANE_TOKEN_FILE: '', TASKPLANE_OUTPUT: 'table', TZ: 'UTC', ...extra };
}

/** A CLI process whose stdout and stderr a test can wait on while it runs. */
function startWatcher(args: string[], env: NodeJS.ProcessEnv) {
  const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const exited = new Promise<{ code: number | null }>((resolve) => child.on('close', (code) => resolve({ code })));
  return { child, exited, stdout: () => stdout, stderr: () => stderr };
}

describe('taskplane task run and watch', function () {
  this.timeout(90_000);
  let t: TestServer;
  let agent: AgentProcess;

  before(async function () {
    t = await startServerOn(await createTestStore('sqlite'));
    const { credential } = await call(t.clients.consumers, 'registerConsumer', { consumerId: 'runner-1' });
    await call(t.clients.consumers, 'registerConsumer', { consumerId: 'offline-1' });
    agent = await startAgentProcess(t.address, 'runner-1', credential);
  });

  after(async function () {
    await agent?.stop();
    t?.clients.close();
    await t?.server.stop('test finished');
    await t?.store.drop();
  });

  it('run prints the events, then the result, and exits 0 when the task succeeds', async function () {
    const result = await runCli(['task', 'run', '--consumer', 'runner-1', '--method', 'testing.echo', '--args', '{"greeting":"hello"}'], cliEnv(t));
    assert.equal(result.code, EXIT.OK, result.stderr);
    const lines = result.stdout.trimEnd().split('\n');
    assert.match(lines[0], /^task \S+ created$/);
    assert.ok(lines.some((l) => /event \d+\s+RUNNING/.test(l)), result.stdout);
    assert.match(lines[lines.length - 2], /^task \S+ SUCCEEDED after \d+s$/);
    assert.equal(lines[lines.length - 1], 'result: {"greeting":"hello"}');
  });

  it('run shows progress while the task runs, before it ends', async function () {
    const release = path.join(tempDir('release'), 'go');
    const run = startWatcher(['task', 'run', '--consumer', 'runner-1', '--method', 'testing.wait', '--args', JSON.stringify({ release_file: release })], cliEnv(t));
    // The progress line arrives while the task is still running: only then is it released.
    await eventually('the progress line', async () => /event \d+\s+progress 50% waiting for release/.test(run.stdout()), 30_000);
    fs.writeFileSync(release, '');
    assert.equal((await run.exited).code, EXIT.OK, run.stderr());
    assert.match(run.stdout(), /\nresult: \{"released":true\}\n$/);
  });

  it('run exits 8 and prints the error when the task fails', async function () {
    const result = await runCli(['task', 'run', '--consumer', 'runner-1', '--method', 'testing.fail'], cliEnv(t));
    assert.equal(result.code, EXIT.TASK_DID_NOT_SUCCEED, result.stderr);
    assert.match(result.stdout, /\nerror: DiskFull: no space left on \/var\n$/);
  });

  it('run exits 11 when the task expires before it could start, 9 when it is canceled', async function () {
    // offline-1 has no agent: its window closes with the task still WAITING.
    const expired = await runCli(['task', 'run', '--consumer', 'offline-1', '--method', 'testing.echo', '--for', '1s'], cliEnv(t));
    assert.equal(expired.code, EXIT.TASK_EXPIRED, expired.stdout + expired.stderr);

    const run = startWatcher(['task', 'run', '--consumer', 'offline-1', '--method', 'testing.echo'], cliEnv(t));
    const taskId = await eventually('the run to print its task', async () => /^task (\S+) created$/m.exec(run.stdout())?.[1], 30_000);
    await call(t.clients.tasks, 'cancelTask', { taskId, reason: 'not needed' });
    assert.equal((await run.exited).code, EXIT.TASK_CANCELED, run.stderr());
  });

  it('run --output json prints only the ended task, its result as a JSON value', async function () {
    const result = await runCli(['task', 'run', '--consumer', 'runner-1', '--method', 'testing.echo', '--args', '{"n":[1,2]}', '--output', 'json'], cliEnv(t));
    assert.equal(result.code, EXIT.OK, result.stderr);
    const { task } = JSON.parse(result.stdout);
    assert.equal(task.state, 'TASK_STATE_SUCCEEDED');
    assert.deepEqual(task.result, { n: [1, 2] });
    assert.equal(task.resultJson, '{"n":[1,2]}');
  });

  it('watch follows a task across a server restart and prints how it ended', async function () {
    const { task } = await call(t.clients.tasks, 'createTask', { consumerId: 'offline-1', method: 'testing.echo' });
    const watcher = startWatcher(['task', 'watch', task!.id], cliEnv(t));
    await eventually('the WAITING event', async () => / WAITING/.test(watcher.stdout()), 30_000);

    // The same port and database, as a restarted server.
    const port = t.server.port;
    t.clients.close();
    await t.server.stop('restart');
    await eventually('the watch to notice', async () => /reconnecting/.test(watcher.stderr()), 30_000);
    t = { ...(await startServerOn(t.store, { listen: `127.0.0.1:${port}` })), store: t.store };

    await call(t.clients.tasks, 'cancelTask', { taskId: task!.id, reason: 'after the restart' });
    const { code } = await watcher.exited;
    assert.equal(code, EXIT.TASK_CANCELED, watcher.stderr());
    const out = watcher.stdout();
    assert.equal((out.match(/ WAITING/g) ?? []).length, 1, `each event once:\n${out}`);
    assert.match(out, /event \d+\s+CANCELED\s+\(.*after the restart\)/);
    assert.match(out, new RegExp(`\ntask ${task!.id} CANCELED\nerror: Canceled: canceled: after the restart\n$`));
  });
});
