import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import { call } from '../client/client';
import type { TaskplaneClients } from '../client/client';
import { FakeAgent } from './helpers/fake-agent';
import { startAgentProcess, tempDir, waitForState, type AgentProcess } from './helpers/agent-process';
import { runCli } from './helpers/processes';
import { clientsWith, describeOnEachStore, eventually, type TestServer } from './helpers/server';

/**
 * Issue 8, "the record matches what the host did": one end-to-end test per
 * case of the issue, each with real agent processes, on both stores.
 */

const FAST_AGENTS = { heartbeatIntervalMs: 200, livenessTimeoutMs: 1500, acceptTimeoutMs: 1000, pollIntervalMs: 100 };
const FAKE_PACKAGES = { env: { TASKPLANE_TEST_FAKE_PACKAGES: '1' } };

let consumerCount = 0;
/** A fresh consumer per test (the two stores run in one process, so names carry a counter). */
async function register(t: TestServer, name: string): Promise<{ consumerId: string; credential: string }> {
  const consumerId = `${name}-${++consumerCount}`;
  const { credential } = await call(t.clients.consumers, 'registerConsumer', { consumerId });
  return { consumerId, credential };
}

/** Clients whose token may run system.run: only a method pattern that names it grants it. */
const runners = new WeakMap<TestServer, Promise<TaskplaneClients>>();
const runnersOpened: TaskplaneClients[] = [];
after(() => runnersOpened.forEach((c) => c.close()));
function runner(t: TestServer): Promise<TaskplaneClients> {
  let clients = runners.get(t);
  if (!clients) {
    clients = call(t.clients.tokens, 'createToken', { name: 'runner', role: 'TOKEN_ROLE_OPERATOR', methods: ['*', 'system.run'] }).then(({ secret }) => {
      const opened = clientsWith(t, secret);
      runnersOpened.push(opened);
      return opened;
    });
    runners.set(t, clients);
  }
  return clients;
}

function create(clients: TaskplaneClients, consumerId: string, method: string, args: object, extra: object = {}) {
  return call(clients.tasks, 'createTask', { consumerId, method, argumentsJson: JSON.stringify(args), ...extra }).then((r) => r.task!);
}

async function getTask(t: TestServer, taskId: string) {
  return (await call(t.clients.tasks, 'getTask', { taskId })).task!;
}

async function eventsOf(t: TestServer, taskId: string): Promise<Array<{ type: string; state: string; cause: string }>> {
  return t.server.db.knex('task_events').select('type', 'state', 'cause').where({ task_id: taskId }).orderBy('id', 'asc');
}

/** Deliveries the record shows: the first DISPATCHED and every REDELIVERED. */
function deliveriesShown(events: Array<{ type: string; state: string }>): number {
  return events.filter((e) => (e.type === 'STATE_CHANGED' && e.state === 'DISPATCHED') || e.type === 'REDELIVERED').length;
}

function runsOf(file: string): string[] {
  return fs.existsSync(file) ? fs.readFileSync(file, 'utf8').split('\n').filter(Boolean) : [];
}

async function historyOf(t: TestServer, taskId: string): Promise<Array<{ type: string; details: any }>> {
  const rows = await t.server.db.knex('consumer_history').where({ task_id: taskId }).orderBy('id', 'asc');
  return rows.map((r: { type: string; details_json: string }) => ({ type: r.type, details: JSON.parse(r.details_json) }));
}

async function online(t: TestServer, consumerId: string): Promise<boolean> {
  return (await call(t.clients.consumers, 'getConsumer', { consumerId })).consumer!.online;
}

/**
 * Freezes the agent (SIGSTOP) until the server has dropped its stream for
 * silence, as a partition would, runs `whileAway`, then lets it go on
 * (SIGCONT). The agent is resumed even if `whileAway` fails.
 */
async function partitioned(t: TestServer, agent: AgentProcess, consumerId: string, whileAway: () => Promise<void>): Promise<void> {
  process.kill(agent.child.pid!, 'SIGSTOP');
  try {
    await eventually('the server to drop the silent stream', async () => !(await online(t, consumerId)));
    await whileAway();
  } finally {
    process.kill(agent.child.pid!, 'SIGCONT');
  }
}

/** Ends an agent a test leaves behind: resumed if frozen, SIGTERM, and SIGKILL if it has not exited within a few seconds. */
async function endAgent(agent: AgentProcess): Promise<void> {
  if (agent.child.exitCode !== null || agent.child.signalCode !== null) return;
  process.kill(agent.child.pid!, 'SIGCONT');
  const stopped = agent.stop();
  const timer = setTimeout(() => agent.child.kill('SIGKILL'), 8_000);
  await stopped;
  clearTimeout(timer);
}

/** Live (not zombie) processes whose command line is exactly `argv`. */
function processesRunning(argv: string[]): number[] {
  const wanted = `${argv.join('\0')}\0`;
  const pids: number[] = [];
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      if (fs.readFileSync(`/proc/${name}/cmdline`, 'utf8') !== wanted) continue;
      const stat = fs.readFileSync(`/proc/${name}/stat`, 'utf8');
      if (!/^[ZX]/.test(stat.slice(stat.lastIndexOf(')') + 2))) pids.push(Number(name));
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}

describeOnEachStore(
  'the record matches what the host did (issue 8)',
  (ctx, kind) => {
    const work = tempDir(`record-${kind}`);
    const agents: AgentProcess[] = [];
    /** Sleeps these tests start, killed after each test if a failure left them running. */
    const sleeps: string[][] = [];
    afterEach(async function () {
      this.timeout(30_000);
      for (const agent of agents.splice(0)) await endAgent(agent);
      for (const argv of sleeps.splice(0)) for (const pid of processesRunning(argv)) process.kill(pid, 'SIGKILL');
    });
    async function agentFor(consumerId: string, credential: string, stateDir: string | null = tempDir('agent'), args: string[] = [], options: Parameters<typeof startAgentProcess>[5] = {}) {
      const agent = await startAgentProcess(ctx().address, consumerId, credential, stateDir, args, options);
      agents.push(agent);
      return agent;
    }

    describe('case 1: a cancel while the agent is out of reach', function () {
      this.timeout(60_000);

      it('is a request, and the install the agent finished anyway settles the task SUCCEEDED, with its history', async () => {
        const { consumerId, credential } = await register(ctx(), 'part');
        const release = path.join(work, `${consumerId}-release`);
        const agent = await agentFor(consumerId, credential, undefined, [], FAKE_PACKAGES);
        const task = await create(ctx().clients, consumerId, 'packages.install', { packages: ['zsh'], release_file: release, past_point_of_no_return: true });
        await waitForState(ctx().clients, task.id, ['TASK_STATE_RUNNING']);
        await partitioned(ctx(), agent, consumerId, async () => {
          const { task: after } = await call(ctx().clients.tasks, 'cancelTask', { taskId: task.id, reason: 'change window moved' });
          assert.equal(after!.state, 'TASK_STATE_RUNNING', 'only the agent knows what the host did: the cancel is a request');
          assert.ok(after!.cancelRequestedTime, 'cancel_requested_time is set');
          assert.deepEqual((await eventsOf(ctx(), task.id)).filter((e) => e.type === 'CANCEL_REQUESTED').length, 1);
          fs.writeFileSync(release, ''); // the install finishes as the agent resumes
        });
        const end = await waitForState(ctx().clients, task.id, ['TASK_STATE_SUCCEEDED', 'TASK_STATE_FAILED', 'TASK_STATE_CANCELED']);
        assert.equal(end.state, 'TASK_STATE_SUCCEEDED', `the agent's outcome settles the task (${end.cause})`);
        const history = await historyOf(ctx(), task.id);
        assert.deepEqual(history.map((h) => h.type), ['packages_installed'], 'the host has the package: it is history');
        assert.deepEqual(history[0].details.packages, ['zsh']);
      });

      it('is passed to the agent when it returns, which stops the task: CANCELED', async () => {
        const { consumerId, credential } = await register(ctx(), 'part-stop');
        const agent = await agentFor(consumerId, credential, undefined, [], FAKE_PACKAGES);
        const task = await create(ctx().clients, consumerId, 'packages.install', { packages: ['zsh'], release_file: path.join(work, 'never') });
        await waitForState(ctx().clients, task.id, ['TASK_STATE_RUNNING']);
        await partitioned(ctx(), agent, consumerId, async () => {
          assert.equal((await call(ctx().clients.tasks, 'cancelTask', { taskId: task.id, reason: 'not tonight' })).task!.state, 'TASK_STATE_RUNNING');
        });
        await waitForState(ctx().clients, task.id, ['TASK_STATE_CANCELED']);
        const done = await getTask(ctx(), task.id);
        assert.equal(done.error!.type, 'Canceled');
        assert.match(done.error!.message, /not tonight/, 'the reason reached the handler');
        assert.deepEqual(await historyOf(ctx(), task.id), [], 'nothing was installed');
      });
    });

    describe('case 2: a timeout while the agent is out of reach', function () {
      this.timeout(60_000);

      it('is a request, and the outcome the agent reports settles the task', async () => {
        const { consumerId, credential } = await register(ctx(), 'slow');
        const release = path.join(work, `${consumerId}-release`);
        const agent = await agentFor(consumerId, credential, undefined, [], FAKE_PACKAGES);
        const task = await create(ctx().clients, consumerId, 'packages.install', { packages: ['zsh'], release_file: release, past_point_of_no_return: true }, { timeoutDuration: { seconds: '2' } });
        await waitForState(ctx().clients, task.id, ['TASK_STATE_RUNNING']);
        await partitioned(ctx(), agent, consumerId, async () => {
          const requested = await eventually('the timeout to ask for a stop', async () => (await eventsOf(ctx(), task.id)).find((e) => e.type === 'CANCEL_REQUESTED'), 10_000);
          assert.match(requested.cause, /timeout/);
          const during = await getTask(ctx(), task.id);
          assert.equal(during.state, 'TASK_STATE_RUNNING', 'not TIMED_OUT before the agent says it stopped');
          assert.ok(during.cancelRequestedTime);
          fs.writeFileSync(release, '');
        });
        const end = await waitForState(ctx().clients, task.id, ['TASK_STATE_SUCCEEDED', 'TASK_STATE_FAILED', 'TASK_STATE_TIMED_OUT']);
        assert.equal(end.state, 'TASK_STATE_SUCCEEDED', 'it finished: the real outcome, not TIMED_OUT');
        assert.deepEqual((await historyOf(ctx(), task.id)).map((h) => h.type), ['packages_installed']);
      });
    });

    describe('case 3: the journal has one home, whatever the working directory', function () {
      this.timeout(60_000);

      it('a restarted agent finds its journal from another directory and does not run the task again', async () => {
        const { consumerId, credential } = await register(ctx(), 'home');
        const stateHome = tempDir('state-home');
        const [cwdA, cwdB] = [tempDir('cwd-a'), tempDir('cwd-b')];
        const runs = path.join(work, `${consumerId}-runs`);
        const release = path.join(work, `${consumerId}-release`);
        const env = { env: { STATE_DIRECTORY: stateHome } };
        const first = await agentFor(consumerId, credential, null, [], { ...env, cwd: cwdA });
        const task = await create(ctx().clients, consumerId, 'testing.wait', { release_file: release, runs_file: runs });
        await waitForState(ctx().clients, task.id, ['TASK_STATE_RUNNING']);
        await first.kill9();
        fs.writeFileSync(release, '');
        const second = await agentFor(consumerId, credential, null, [], { ...env, cwd: cwdB });
        await waitForState(ctx().clients, task.id, ['TASK_STATE_SUCCEEDED', 'TASK_STATE_FAILED']);
        const done = await getTask(ctx(), task.id);
        assert.deepEqual(runsOf(runs), [task.id], 'ran once');
        assert.equal(done.error?.type, 'Interrupted', 'reported interrupted, not run a second time');
        assert.equal(done.attempt, deliveriesShown(await eventsOf(ctx(), task.id)));
        const home = path.join(stateHome, 'agent', consumerId);
        assert.deepEqual([first.stateDir, second.stateDir], [home, home], 'the absolute default, printed at start');
        for (const dir of [cwdA, cwdB]) assert.deepEqual(fs.readdirSync(dir), [], `nothing written under the working directory ${dir}`);
      });

      it('an agent whose journal was lost says so loudly and does not run the accepted task again', async () => {
        const { consumerId, credential } = await register(ctx(), 'lost');
        const runs = path.join(work, `${consumerId}-runs`);
        const release = path.join(work, `${consumerId}-release`);
        let agent = await agentFor(consumerId, credential);
        const task = await create(ctx().clients, consumerId, 'testing.wait', { release_file: release, runs_file: runs });
        await waitForState(ctx().clients, task.id, ['TASK_STATE_RUNNING']);
        await agent.kill9();
        fs.writeFileSync(release, '');
        agent = await agentFor(consumerId, credential, tempDir('other-state'));
        await waitForState(ctx().clients, task.id, ['TASK_STATE_SUCCEEDED', 'TASK_STATE_FAILED']);
        assert.equal((await getTask(ctx(), task.id)).error?.type, 'Interrupted');
        assert.deepEqual(runsOf(runs), [task.id], 'not run a second time');
        await eventually('an error line naming the problem', async () => /"level":50[^\n]*"event":"agent\.journal_missing"/.test(agent.output()));
      });

      it("refuses a state directory that holds another consumer's journal", async () => {
        const first = await register(ctx(), 'owner');
        const second = await register(ctx(), 'intruder');
        const stateDir = tempDir('shared-state');
        const agent = await agentFor(first.consumerId, first.credential, stateDir);
        await agent.stop();
        const result = await runCli(['agent', '--server', ctx().address, '--consumer', second.consumerId, '--state-dir', stateDir], { TASKPLANE_TOKEN: second.credential }, 10_000);
        assert.equal(result.code, 2);
        assert.match(result.stderr, new RegExp(`belongs to consumer "${first.consumerId}"`));
      });
    });

    describe('case 4: children of a crashed agent', function () {
      this.timeout(60_000);

      it('are found and stopped when it restarts, so "not run again" is true', async () => {
        const { consumerId, credential } = await register(ctx(), 'orphan');
        const argv = ['sleep', `${4000 + consumerCount}.25`];
        sleeps.push(argv);
        let agent = await agentFor(consumerId, credential, undefined, ['--allow-command', 'sleep']);
        const task = await create(await runner(ctx()), consumerId, 'system.run', { command: argv[0], args: argv.slice(1) });
        await waitForState(ctx().clients, task.id, ['TASK_STATE_RUNNING']);
        const [pid] = await eventually('the command to run', async () => processesRunning(argv).length === 1 && processesRunning(argv));
        await eventually('its process group in the journal', async () => fs.readFileSync(path.join(agent.stateDir, 'journal.jsonl'), 'utf8').includes(`"pgid":${pid}`));
        await agent.kill9();
        assert.deepEqual(processesRunning(argv), [pid], 'the crash left it running');
        agent = await agentFor(consumerId, credential, agent.stateDir, ['--allow-command', 'sleep']);
        await waitForState(ctx().clients, task.id, ['TASK_STATE_SUCCEEDED', 'TASK_STATE_FAILED']);
        assert.deepEqual(processesRunning(argv), [], 'stopped before the task was reported');
        const { error } = await getTask(ctx(), task.id);
        assert.equal(error!.type, 'Interrupted');
        assert.deepEqual(JSON.parse(error!.detailsJson).process_groups, [{ pgid: pid, outcome: 'stopped', processes: 1 }]);
        assert.match(error!.message, new RegExp(`process group ${pid}: stopped`));
      });

      it('a canceled command is stopped with everything it started', async () => {
        const { consumerId, credential } = await register(ctx(), 'group');
        const argv = ['sleep', `${5000 + consumerCount}.25`];
        sleeps.push(argv);
        await agentFor(consumerId, credential, undefined, ['--allow-command', 'sh']);
        // The shell forks the sleep (a grandchild of the agent) and waits for it.
        const task = await create(await runner(ctx()), consumerId, 'system.run', { command: 'sh', args: ['-c', `${argv.join(' ')}; true`] });
        await waitForState(ctx().clients, task.id, ['TASK_STATE_RUNNING']);
        await eventually('the grandchild to run', async () => processesRunning(argv).length === 1);
        await call((await runner(ctx())).tasks, 'cancelTask', { taskId: task.id });
        await waitForState(ctx().clients, task.id, ['TASK_STATE_CANCELED']);
        await eventually('the grandchild to be stopped too', async () => processesRunning(argv).length === 0);
      });
    });

    describe('case 5: dry runs', function () {
      this.timeout(60_000);

      it('are recorded as packages_simulated, listing what apt would change apart from what was asked', async function () {
        // Needs apt with package lists, vim installed and current, zsh not installed (true of the development machine).
        if (!fs.existsSync('/usr/bin/apt-get')) this.skip();
        const plan = execFileSync('apt-get', ['-s', '-q', 'install', 'vim', 'zsh'], { env: { ...process.env, LC_ALL: 'C' }, encoding: 'utf8' });
        if (/^Inst vim /m.test(plan) || !/^Inst zsh /m.test(plan)) this.skip();
        const { consumerId, credential } = await register(ctx(), 'dry');
        await agentFor(consumerId, credential);
        const install = await create(ctx().clients, consumerId, 'packages.install', { packages: ['vim', 'zsh'], dry_run: true });
        const uninstall = await create(ctx().clients, consumerId, 'packages.uninstall', { packages: ['vim'], dry_run: true });
        await waitForState(ctx().clients, install.id, ['TASK_STATE_SUCCEEDED']);
        await waitForState(ctx().clients, uninstall.id, ['TASK_STATE_SUCCEEDED']);

        const [installed] = await historyOf(ctx(), install.id);
        assert.equal(installed.type, 'packages_simulated', 'a dry run changed nothing');
        assert.deepEqual(installed.details.requested, ['vim', 'zsh']);
        assert.ok(installed.details.packages.includes('zsh'), 'zsh would be installed');
        assert.ok(!installed.details.packages.includes('vim'), 'vim is already installed: not a change');
        assert.equal(installed.details.changed.find((c: { package: string }) => c.package === 'zsh').action, 'install');
        assert.equal(installed.details.dry_run, true);

        const [removed] = await historyOf(ctx(), uninstall.id);
        assert.equal(removed.type, 'packages_simulated');
        assert.deepEqual(removed.details.changed.filter((c: { package: string }) => c.package === 'vim').map((c: { action: string }) => c.action), ['remove']);
        const types = (await call(ctx().clients.consumers, 'listConsumerHistory', { consumerId })).events.map((e) => e.type);
        assert.deepEqual(types.filter((t) => t.startsWith('packages_')), ['packages_simulated', 'packages_simulated']);
      });
    });

    describe('case 6: system.run', function () {
      this.timeout(60_000);

      it('reports a non-zero exit as FAILED CommandFailed with the exit code and the tails of its output; task watch exits 8', async () => {
        const { consumerId, credential } = await register(ctx(), 'cmd');
        await agentFor(consumerId, credential, undefined, ['--allow-command', 'sh']);
        const failing = await create(await runner(ctx()), consumerId, 'system.run', { command: 'sh', args: ['-c', 'echo out; echo err >&2; exit 3'] });
        await waitForState(ctx().clients, failing.id, ['TASK_STATE_SUCCEEDED', 'TASK_STATE_FAILED']);
        const failed = await getTask(ctx(), failing.id);
        assert.equal(failed.state, 'TASK_STATE_FAILED');
        assert.equal(failed.error!.type, 'CommandFailed');
        assert.match(failed.error!.message, /exited with 3/);
        assert.deepEqual(JSON.parse(failed.error!.detailsJson), { exit_code: 3, signal: null, stdout_tail: 'out\n', stderr_tail: 'err\n' });
        assert.equal((await runCli(['task', 'watch', failing.id, '--server', ctx().address], { TASKPLANE_TOKEN: ctx().token })).code, 8);

        const fine = await create(await runner(ctx()), consumerId, 'system.run', { command: 'sh', args: ['-c', 'echo fine; echo note >&2'] });
        await waitForState(ctx().clients, fine.id, ['TASK_STATE_SUCCEEDED']);
        assert.deepEqual(JSON.parse((await getTask(ctx(), fine.id)).resultJson), { exit_code: 0, stdout: 'fine\n', stderr: 'note\n' }, 'success keeps its output');
        assert.equal((await runCli(['task', 'watch', fine.id, '--server', ctx().address], { TASKPLANE_TOKEN: ctx().token })).code, 0);
      });
    });

    describe('case 7: attempts', function () {
      this.timeout(60_000);

      it('equal the deliveries shown, and every run on the host is a visible attempt, after a reconnect and after a restart', async () => {
        const { consumerId, credential } = await register(ctx(), 'attempts');
        const runs = path.join(work, `${consumerId}-runs`);
        const release = path.join(work, `${consumerId}-release`);
        const stateHome = tempDir('state-home');
        const options = { env: { STATE_DIRECTORY: stateHome }, cwd: tempDir('cwd-1') };
        let agent = await agentFor(consumerId, credential, null, [], options);
        const task = await create(ctx().clients, consumerId, 'testing.wait', { release_file: release, runs_file: runs });
        await waitForState(ctx().clients, task.id, ['TASK_STATE_RUNNING']);

        // A reconnect: the server drops the stream and sends the task again to the same agent, which goes on running it.
        await partitioned(ctx(), agent, consumerId, async () => {});
        await eventually('the redelivery', async () => deliveriesShown(await eventsOf(ctx(), task.id)) === 2);
        // A restart, from another directory.
        await agent.kill9();
        fs.writeFileSync(release, '');
        agent = await agentFor(consumerId, credential, null, [], { ...options, cwd: tempDir('cwd-2') });
        await waitForState(ctx().clients, task.id, ['TASK_STATE_SUCCEEDED', 'TASK_STATE_FAILED']);

        const done = await getTask(ctx(), task.id);
        const events = await eventsOf(ctx(), task.id);
        // 3, or 2 when the restarted agent's "Interrupted" settled the task before its new stream was sent it again.
        assert.ok(done.attempt >= 2, `attempt ${done.attempt}`);
        assert.equal(deliveriesShown(events), done.attempt, 'one DISPATCHED or REDELIVERED event per delivery');
        const accepted = events.filter((e) => e.type === 'STATE_CHANGED' && e.state === 'RUNNING').length;
        assert.deepEqual(runsOf(runs), [task.id], 'one run on the host');
        assert.equal(accepted, runsOf(runs).length, 'every run on the host is a visible RUNNING');
        const watched = await runCli(['task', 'watch', task.id, '--server', ctx().address], { TASKPLANE_TOKEN: ctx().token });
        assert.equal(watched.stdout.split('\n').filter((line) => /\(attempt \d+\)/.test(line)).length, done.attempt, `task watch shows every delivery:\n${watched.stdout}`);
      });
    });
  },
  { agents: FAST_AGENTS },
);

describeOnEachStore(
  'a stop request nobody answers (the abandon deadline)',
  (ctx) => {
    const work = tempDir('abandon');

    it('ends the task FAILED OutcomeUnknown, and records what the agent reports later as its late outcome, with history', async function () {
      this.timeout(60_000);
      const { consumerId, credential } = await register(ctx(), 'gone');
      const release = path.join(work, `${consumerId}-release`);
      const agent = await startAgentProcess(ctx().address, consumerId, credential, tempDir('agent'), [], FAKE_PACKAGES);
      try {
        const task = await create(ctx().clients, consumerId, 'packages.install', { packages: ['zsh'], release_file: release, past_point_of_no_return: true });
        await waitForState(ctx().clients, task.id, ['TASK_STATE_RUNNING']);
        await partitioned(ctx(), agent, consumerId, async () => {
          await call(ctx().clients.tasks, 'cancelTask', { taskId: task.id });
          await waitForState(ctx().clients, task.id, ['TASK_STATE_FAILED', 'TASK_STATE_CANCELED'], 15_000);
          const abandoned = await getTask(ctx(), task.id);
          assert.equal(abandoned.state, 'TASK_STATE_FAILED', 'not CANCELED: nobody knows what the host did');
          assert.equal(abandoned.error!.type, 'OutcomeUnknown');
          assert.equal(abandoned.lateOutcome, null);
          fs.writeFileSync(release, '');
        });
        const late = await eventually('the late outcome', async () => (await getTask(ctx(), task.id)).lateOutcome, 15_000);
        assert.equal(late.error, null);
        assert.equal(JSON.parse(late.resultJson).changed[0].package, 'zsh');
        const after = await getTask(ctx(), task.id);
        assert.equal(after.state, 'TASK_STATE_FAILED', 'a terminal state never changes');
        const events = await eventsOf(ctx(), task.id);
        assert.deepEqual(events.slice(-2).map((e) => `${e.type} ${e.state}`), ['STATE_CHANGED FAILED', 'LATE_OUTCOME FAILED']);
        const history = await historyOf(ctx(), task.id);
        assert.deepEqual(history.map((h) => h.type), ['packages_installed'], 'the packages are on the host: history, whatever the state');
        assert.equal(history[0].details.late, true);
        // Shown to people: the watch includes the late outcome, task get prints it.
        const watched = await runCli(['task', 'watch', task.id, '--server', ctx().address], { TASKPLANE_TOKEN: ctx().token });
        assert.equal(watched.code, 8);
        assert.match(watched.stdout, /late outcome \(still FAILED\)/);
        assert.match((await runCli(['task', 'get', task.id, '--server', ctx().address], { TASKPLANE_TOKEN: ctx().token })).stdout, /late outcome:\s+succeeded/);
      } finally {
        await endAgent(agent);
      }
    });
  },
  { agents: FAST_AGENTS, abandonAfterMs: 2000 },
);

/** Log lines of the server, kept for a test to read. */
const serverLog: string[] = [];
const capturingLogger = pino({ level: 'info' }, new Writable({ write: (chunk, _enc, done) => (serverLog.push(String(chunk)), done()) }));

describeOnEachStore(
  'a report for another consumer\'s task',
  (ctx) => {
    it('is refused and logged with both identities: the sender and the owner', async () => {
      const victim = await register(ctx(), 'victim');
      const intruder = await register(ctx(), 'intruder');
      const owner = new FakeAgent(ctx().address, victim.consumerId, victim.credential);
      const other = new FakeAgent(ctx().address, intruder.consumerId, intruder.credential);
      try {
        await owner.next('welcome', (m) => Boolean(m.welcome));
        await other.next('welcome', (m) => Boolean(m.welcome));
        const task = await create(ctx().clients, victim.consumerId, 'testing.echo', {});
        await owner.taskRequest();
        other.send({ reply: { taskId: task.id, resultJson: '{}' } });
        const line = await eventually('the refusal to be logged', async () => serverLog.find((l) => l.includes('"event":"agent.foreign_report"') && l.includes(task.id)));
        const fields = JSON.parse(line);
        assert.equal(fields.consumerId, intruder.consumerId, 'the sender');
        assert.equal(fields.ownerConsumerId, victim.consumerId, 'the owner');
        assert.equal(fields.level, 40);
      } finally {
        owner.close();
        other.close();
      }
    });
  },
  { agents: FAST_AGENTS, logger: capturingLogger },
);
