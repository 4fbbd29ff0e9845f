import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { call } from '../client/client';
import { EXIT } from '../common/exit-codes';
import { startServerOn, type TestServer } from './helpers/server';
import { createTestStore, STORE_KINDS } from './helpers/stores';
import type { Task__Output } from '../protos/generated/taskplane/v1/Task';
import type { Consumer__Output } from '../protos/generated/taskplane/v1/Consumer';
import type { HistoryEvent__Output } from '../protos/generated/taskplane/v1/HistoryEvent';

/**
 * The `taskplane` command line end to end: each test spawns the built CLI
 * (dist/bin/taskplane.js) against a real server on each store, and checks what
 * a script sees: stdout, stderr and the exit code.
 */

const CLI = path.resolve(__dirname, '..', 'bin', 'taskplane.js');
// A CLI run that takes longer than this is hung; it is killed and the test fails with its output.
const RUN_DEADLINE_MS = 15_000;

interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** One running `taskplane` process, with its output collected as it arrives. */
class CliProcess {
  stdout = '';
  stderr = '';
  readonly exited: Promise<CliResult>;
  private readonly child: ChildProcess;
  private readonly outputListeners = new Set<() => void>();

  constructor(args: string[], server: string | TestServer | undefined) {
    const env: NodeJS.ProcessEnv = { ...process.env };
    // Only what the test passes decides the server, the token and the output format.
    delete env.TASKPLANE_OUTPUT;
    delete env.TASKPLANE_SERVER;
    delete env.TASKPLANE_TOKEN;
    delete env.TASKPLANE_TOKEN_FILE;
    // Tables show local time: the tests read them in UTC.
    env.TZ = 'UTC';
    if (typeof server === 'string') env.TASKPLANE_SERVER = server;
    else if (server) Object.assign(env, { TASKPLANE_SERVER: server.address, TASKPLANE_TOKEN: server.token });
    this.child = spawn(process.execPath, [CLI, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    running.add(this.child);
    this.child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      this.stdout += chunk;
      for (const listener of this.outputListeners) listener();
    });
    this.child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (this.stderr += chunk));
    const killer = setTimeout(() => this.child.kill('SIGKILL'), RUN_DEADLINE_MS);
    this.exited = new Promise((resolve, reject) => {
      this.child.on('error', reject);
      this.child.on('close', (code, signal) => {
        clearTimeout(killer);
        running.delete(this.child);
        if (signal) reject(new Error(`taskplane ${args.join(' ')} was killed (${signal})\nstdout: ${this.stdout}\nstderr: ${this.stderr}`));
        else resolve({ code, stdout: this.stdout, stderr: this.stderr });
      });
    });
  }

  /** Resolves as soon as stdout satisfies `ready`; fails at the deadline or if the process ends first. */
  waitForStdout(what: string, ready: (stdout: string) => boolean, deadlineMs = 10_000): Promise<void> {
    return new Promise((resolve, reject) => {
      const finish = (err?: Error) => {
        clearTimeout(timer);
        this.outputListeners.delete(check);
        if (err) reject(err);
        else resolve();
      };
      const check = () => {
        if (ready(this.stdout)) finish();
      };
      const timer = setTimeout(() => finish(new Error(`timed out after ${deadlineMs}ms waiting for ${what}\nstdout: ${this.stdout}\nstderr: ${this.stderr}`)), deadlineMs);
      this.outputListeners.add(check);
      this.exited.then(
        (r) => finish(ready(r.stdout) ? undefined : new Error(`the CLI exited (${r.code}) before ${what}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`)),
        (err) => finish(err),
      );
      check();
    });
  }
}

// Every CLI process still running, so an after hook can end them if a test failed midway.
const running = new Set<ChildProcess>();

/** `server`: a test server (its address and admin token), or a bare address (no token). */
function runCli(args: string[], server?: string | TestServer): Promise<CliResult> {
  return new CliProcess(args, server).exited;
}

/** Runs the CLI with --output json, expects exit 0 and returns the parsed stdout. */
async function runJson<T>(args: string[], server: string | TestServer): Promise<T> {
  const result = await runCli([...args, '--output', 'json'], server);
  assert.equal(result.code, 0, `taskplane ${args.join(' ')} failed: ${result.stderr}`);
  return JSON.parse(result.stdout) as T;
}

/** The single stderr line of a failed run: failures must be one clear line. */
function onlyErrorLine(result: CliResult): string {
  const lines = result.stderr.trimEnd().split('\n');
  assert.equal(lines.length, 1, `expected one stderr line, got:\n${result.stderr}`);
  return lines[0];
}

function occurrences(text: string, part: string): number {
  return text.split(part).length - 1;
}

/** A port nothing listens on: bound, then released. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

after(function () {
  for (const child of running) child.kill('SIGKILL');
});

for (const kind of STORE_KINDS) {
  describe(`taskplane CLI [${kind}]`, function () {
    let t: TestServer | undefined;
    const server = () => t!;

    before(async function () {
      this.timeout(60_000);
      t = await startServerOn(await createTestStore(kind));
    });

    after(async function () {
      this.timeout(30_000);
      if (!t) return;
      t.clients.close();
      await t.server.stop('test finished');
      await t.store.drop();
    });

    describe('consumer', function () {
      it('register prints the credential once, saying so; get never shows it', async function () {
        const registered = await runCli(['consumer', 'register', 'web-1', '--display-name', 'Web One', '--label', 'role=web'], server());
        assert.equal(registered.code, 0, registered.stderr);
        const credential = /^credential:\s+(\S+)$/m.exec(registered.stdout)?.[1];
        assert.ok(credential, `no credential line in:\n${registered.stdout}`);
        assert.equal(occurrences(registered.stdout, credential), 1);
        assert.match(registered.stdout, /shown only this once/);
        assert.match(registered.stdout, /^display name:\s+Web One$/m);

        const got = await runCli(['consumer', 'get', 'web-1'], server());
        assert.equal(got.code, 0, got.stderr);
        assert.match(got.stdout, /^labels:\s+role=web$/m);
        assert.match(got.stdout, /^created:\s+\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ \((\d+ s ago|now)\)$/m);
        assert.ok(!got.stdout.includes(credential), 'get must not show the credential');
      });

      it('register --output json is the response message, with the notice on stderr', async function () {
        const result = await runCli(['consumer', 'register', 'web-2', '--output', 'json'], server());
        assert.equal(result.code, 0, result.stderr);
        const response = JSON.parse(result.stdout) as { consumer: Consumer__Output; credential: string };
        assert.equal(response.consumer.id, 'web-2');
        assert.equal(response.consumer.displayName, 'web-2');
        assert.ok(response.credential.length >= 20);
        assert.match(result.stderr, /shown only this once/);
      });

      it('list filters by label and reads every page with --all', async function () {
        await Promise.all(
          ['db-1', 'db-2', 'db-3'].map((id) => runJson(['consumer', 'register', id, '--label', 'role=db'], server())),
        );
        const onePage = await runJson<{ consumers: Consumer__Output[]; nextPageToken: string }>(['consumer', 'list', '--label', 'role=db', '--page-size', '2'], server());
        assert.deepEqual(onePage.consumers.map((c) => c.id), ['db-1', 'db-2']);
        assert.ok(onePage.nextPageToken);

        const nextPage = await runJson<{ consumers: Consumer__Output[] }>(['consumer', 'list', '--label', 'role=db', '--page-size', '2', '--page-token', onePage.nextPageToken], server());
        assert.deepEqual(nextPage.consumers.map((c) => c.id), ['db-3']);

        const all = await runJson<{ consumers: Consumer__Output[]; nextPageToken: string }>(['consumer', 'list', '--label', 'role=db', '--page-size', '1', '--all'], server());
        assert.deepEqual(all.consumers.map((c) => c.id), ['db-1', 'db-2', 'db-3']);
        assert.equal(all.nextPageToken, '');

        const table = await runCli(['consumer', 'list', '--label', 'role=db', '--page-size', '2'], server());
        assert.equal(table.code, 0, table.stderr);
        assert.match(table.stdout, /^ID\s+DISPLAY NAME\s+LABELS\s+ONLINE\s+CREATED$/m);
        assert.match(table.stdout, /^db-2\s+db-2\s+role=db\s+no\s+\S+Z \([^)]*\)$/m);
        assert.match(table.stdout, /--page-token \S+/);
      });

      it('delete unregisters; history shows registered and unregistered, filtered by --type', async function () {
        await runJson(['consumer', 'register', 'gone-1'], server());
        const deleted = await runCli(['consumer', 'delete', 'gone-1'], server());
        assert.equal(deleted.code, 0, deleted.stderr);

        const history = await runJson<{ events: HistoryEvent__Output[] }>(['consumer', 'history', 'gone-1'], server());
        assert.deepEqual(history.events.map((e) => e.type), ['unregistered', 'registered']);
        const onlyRegistered = await runJson<{ events: HistoryEvent__Output[] }>(['consumer', 'history', 'gone-1', '--type', 'registered', '--since', '2000-01-01T00:00:00Z'], server());
        assert.deepEqual(onlyRegistered.events.map((e) => e.type), ['registered']);
        const table = await runCli(['consumer', 'history', 'gone-1'], server());
        assert.match(table.stdout, /^\S+Z \([^)]*\)\s+unregistered/m);

        const [getAgain, deleteAgain] = await Promise.all([runCli(['consumer', 'get', 'gone-1'], server()), runCli(['consumer', 'delete', 'gone-1'], server())]);
        assert.equal(getAgain.code, EXIT.NOT_FOUND, getAgain.stderr);
        assert.match(onlyErrorLine(getAgain), /^error: NOT_FOUND: /);
        assert.equal(deleteAgain.code, EXIT.NOT_FOUND, deleteAgain.stderr);
      });
    });

    describe('task', function () {
      before(async function () {
        await Promise.all(['host-a', 'host-b'].map((id) => runJson(['consumer', 'register', id], server())));
      });

      it('create stores the task with every flag; get shows it', async function () {
        const created = await runJson<{ task: Task__Output }>(
          [
            'task', 'create', '--consumer', 'host-a', '--method', 'packages.install', '--args', '{"packages":["zsh"]}',
            '--not-after', '2099-01-01T00:00:00Z', '--timeout', '1h30m', '--label', 'batch=1', '--idempotency-key', `key-${kind}`,
          ],
          server(),
        );
        const task = created.task;
        assert.equal(task.state, 'TASK_STATE_WAITING');
        assert.equal(task.method, 'packages.install');
        assert.deepEqual(JSON.parse(task.argumentsJson), { packages: ['zsh'] });
        assert.deepEqual(task.labels, { batch: '1' });
        assert.equal(task.timeoutDuration, '5400s' as unknown);
        assert.equal(task.notAfterTime, '2099-01-01T00:00:00Z' as unknown);

        const got = await runCli(['task', 'get', task.id], server());
        assert.equal(got.code, 0, got.stderr);
        assert.match(got.stdout, new RegExp(`^task:\\s+${task.id}$`, 'm'));
        assert.match(got.stdout, /^state:\s+WAITING$/m);
        assert.match(got.stdout, /^timeout:\s+1h30m$/m);
        assert.match(got.stdout, /^not after:\s+2099-01-01T00:00:00Z \(in \d+ d\)$/m);
      });

      it('list filters by consumer, state, method and label, and pages with --all', async function () {
        const create = (method: string, label: string) =>
          runJson<{ task: Task__Output }>(['task', 'create', '--consumer', 'host-b', '--method', method, '--label', label], server()).then((r) => r.task);
        // One at a time, so the creation order (and so the newest-first order) is known.
        const installs = [await create('system.reboot', 'wave=1'), await create('system.reboot', 'wave=2'), await create('system.reboot', 'wave=2')];
        const update = await create('packages.update', 'wave=2');
        await call(t!.clients.tasks, 'cancelTask', { taskId: installs[0].id, reason: 'test' });
        const ids = (response: { tasks: Task__Output[] }) => response.tasks.map((task) => task.id);

        const [everyPage, byMethod, byLabel, waiting, firstPage] = await Promise.all([
          runJson<{ tasks: Task__Output[]; nextPageToken: string }>(['task', 'list', '--consumer', 'host-b', '--page-size', '1', '--all'], server()),
          runJson<{ tasks: Task__Output[] }>(['task', 'list', '--consumer', 'host-b', '--method', 'packages.update'], server()),
          runJson<{ tasks: Task__Output[] }>(['task', 'list', '--consumer', 'host-b', '--label', 'wave=2', '--since', '2000-01-01', '--until', '2099-01-01T00:00:00Z'], server()),
          runJson<{ tasks: Task__Output[] }>(['task', 'list', '--consumer', 'host-b', '--state', 'Waiting', '--method', 'system.reboot'], server()),
          runCli(['task', 'list', '--consumer', 'host-b', '--page-size', '2'], server()),
        ]);
        assert.deepEqual(ids(everyPage), [update.id, installs[2].id, installs[1].id, installs[0].id]);
        assert.equal(everyPage.nextPageToken, '');
        assert.deepEqual(ids(byMethod), [update.id]);
        assert.deepEqual(ids(byLabel), [update.id, installs[2].id, installs[1].id]);
        assert.deepEqual(ids(waiting), [installs[2].id, installs[1].id]);

        assert.equal(firstPage.code, 0, firstPage.stderr);
        assert.match(firstPage.stdout, /^ID\s+CONSUMER\s+METHOD\s+STATE\s+CREATED\s+DURATION\s+ENDED\s+LABELS$/m);
        assert.match(firstPage.stdout, new RegExp(`^${update.id}\\s+host-b\\s+packages\\.update\\s+WAITING\\s+\\S+Z \\([^)]*\\)\\s+wave=2$`, 'm'));
        assert.match(firstPage.stdout, /--page-token \S+/);

        const canceledOrFailed = await runJson<{ tasks: Task__Output[] }>(['task', 'list', '--consumer', 'host-b', '--state', 'canceled,failed'], server());
        assert.deepEqual(ids(canceledOrFailed), [installs[0].id]);
      });

      it('cancel ends a WAITING task CANCELED; cancelling it again exits 4', async function () {
        const { task } = await runJson<{ task: Task__Output }>(['task', 'create', '--consumer', 'host-a', '--method', 'system.reboot'], server());
        const canceled = await runJson<{ task: Task__Output }>(['task', 'cancel', task.id, '--reason', 'changed my mind'], server());
        assert.equal(canceled.task.state, 'TASK_STATE_CANCELED');
        assert.match(canceled.task.error?.message ?? '', /changed my mind/);

        const again = await runCli(['task', 'cancel', task.id], server());
        assert.equal(again.code, EXIT.CONFLICT);
        assert.match(onlyErrorLine(again), /^error: FAILED_PRECONDITION: /);
      });

      it('watch prints events as they happen, then how the task ended, and exits 9 when it is canceled', async function () {
        const { task } = await runJson<{ task: Task__Output }>(['task', 'create', '--consumer', 'host-a', '--method', 'packages.update'], server());
        const watcher = new CliProcess(['task', 'watch', task.id], server());
        await watcher.waitForStdout('the first event line', (out) => /event \d+\s+WAITING/.test(out));

        await call(t!.clients.tasks, 'cancelTask', { taskId: task.id, reason: 'from another client' });
        const result = await watcher.exited;
        assert.equal(result.code, EXIT.TASK_CANCELED, result.stderr);
        const lines = result.stdout.trimEnd().split('\n');
        assert.equal(lines.length, 4, result.stdout);
        assert.match(lines[1], /^\S+Z\s+event \d+\s+CANCELED\s+\(.*from another client\)/);
        assert.equal(lines[2], `task ${task.id} CANCELED`);
        assert.equal(lines[3], 'error: Canceled: canceled: from another client');
      });

      it('watch --output json prints one event object per line; --after skips what was seen', async function () {
        const { task } = await runJson<{ task: Task__Output }>(['task', 'create', '--consumer', 'host-a', '--method', 'packages.update'], server());
        await call(t!.clients.tasks, 'cancelTask', { taskId: task.id });
        const all = await runCli(['task', 'watch', task.id, '--output', 'json'], server());
        assert.equal(all.code, EXIT.TASK_CANCELED, all.stderr);
        const events = all.stdout.trimEnd().split('\n').map((line) => JSON.parse(line).event);
        assert.deepEqual(events.map((e) => e.state), ['TASK_STATE_WAITING', 'TASK_STATE_CANCELED']);

        const rest = await runCli(['task', 'watch', task.id, '--after', events[0].id, '--output', 'json'], server());
        assert.equal(rest.code, EXIT.TASK_CANCELED, rest.stderr);
        assert.deepEqual(rest.stdout.trimEnd().split('\n').map((line) => JSON.parse(line).event.id), [events[1].id]);
      });
    });

    describe('exit codes', function () {
      it('an unknown consumer exits 3', async function () {
        const [create, get] = await Promise.all([
          runCli(['task', 'create', '--consumer', 'nobody', '--method', 'packages.update'], server()),
          runCli(['consumer', 'get', 'nobody'], server()),
        ]);
        assert.equal(create.code, EXIT.NOT_FOUND, create.stderr);
        assert.match(onlyErrorLine(create), /^error: NOT_FOUND: consumer_id: /);
        assert.equal(get.code, EXIT.NOT_FOUND, get.stderr);
      });

      it('a bad method exits 2 with one stderr line naming the field', async function () {
        await runJson(['consumer', 'register', 'host-m'], server());
        const result = await runCli(['task', 'create', '--consumer', 'host-m', '--method', 'install'], server());
        assert.equal(result.code, EXIT.USAGE);
        assert.equal(result.stdout, '');
        assert.match(onlyErrorLine(result), /^error: INVALID_ARGUMENT: method: /);
      });
    });
  });
}

describe('taskplane CLI without a server', function () {
  it('an unreachable server exits 5', async function () {
    const address = `127.0.0.1:${await closedPort()}`;
    const [fromEnv, fromFlag] = await Promise.all([runCli(['consumer', 'list'], address), runCli(['task', 'get', 'some-id', '--server', address])]);
    for (const result of [fromEnv, fromFlag]) {
      assert.equal(result.code, EXIT.UNAVAILABLE, result.stderr);
      assert.match(onlyErrorLine(result), /^error: UNAVAILABLE: /);
    }
  });

  it('usage mistakes exit 2 with a message naming the flag, before any call', async function () {
    const results = await Promise.all([
      runCli(['task', 'list', '--no-such-flag']),
      runCli(['task', 'create', '--consumer', 'x', '--method', 'a.b', '--timeout', 'soon']),
      runCli(['task', 'list', '--state', 'sleeping']),
      runCli(['consumer', 'get']),
      runCli(['consumer', 'list', '--output', 'yaml']),
    ]);
    const expected = [/--no-such-flag/, /--timeout "soon"/, /--state "sleeping"/, /consumer get needs ID/, /--output must be table, json or jsonl/];
    results.forEach((result, i) => {
      assert.equal(result.code, EXIT.USAGE, result.stderr);
      assert.match(onlyErrorLine(result), expected[i]);
    });
  });

  it('migrate applies the migrations of a fresh database once, then says it is up to date', async function () {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'taskplane-cli-migrate-'));
    try {
      const url = `sqlite:${path.join(dir, 'fresh.sqlite')}`;
      const first = await runJson<{ applied: string[] }>(['migrate', '--database-url', url], '');
      assert.ok(first.applied.length > 0, 'a fresh database needs migrations');
      const second = await runJson<{ applied: string[] }>(['migrate', '--database-url', url], '');
      assert.deepEqual(second.applied, []);
      const third = await runCli(['migrate', '--database-url', url]);
      assert.equal(third.code, 0, third.stderr);
      assert.match(third.stdout, /schema is up to date/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
