import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { call } from '../client/client';
import type { TaskplaneClients } from '../client/client';
import { FakeAgent } from './helpers/fake-agent';
import { startAgentProcess, tempDir, waitForState } from './helpers/agent-process';
import { exited } from './helpers/processes';
import { FakeClock } from './helpers/fake-clock';
import { clientsWith, describeOnEachStore, eventually, expectStatus, type TestServer } from './helpers/server';

async function register(t: TestServer, consumerId: string): Promise<string> {
  return (await call(t.clients.consumers, 'registerConsumer', { consumerId })).credential;
}

function create(clients: TaskplaneClients, consumerId: string, method: string, args: object = {}, extra: object = {}) {
  return call(clients.tasks, 'createTask', { consumerId, method, argumentsJson: JSON.stringify(args), ...extra }).then((r) => r.task!);
}

async function getTask(t: TestServer, taskId: string) {
  return (await call(t.clients.tasks, 'getTask', { taskId })).task!;
}

async function connectFake(t: TestServer, consumerId: string, credential: string, hello: ConstructorParameters<typeof FakeAgent>[3] = {}) {
  const agent = new FakeAgent(t.address, consumerId, credential, hello);
  await agent.next('welcome', (m) => Boolean(m.welcome));
  return agent;
}

function runsOf(file: string): string[] {
  return fs.existsSync(file) ? fs.readFileSync(file, 'utf8').split('\n').filter(Boolean) : [];
}

const FAST_AGENTS = { heartbeatIntervalMs: 200, livenessTimeoutMs: 1500, acceptTimeoutMs: 1000, pollIntervalMs: 100 };

describeOnEachStore(
  'agents',
  (ctx) => {
    const work = tempDir('agents-work');
    after(() => fs.rmSync(work, { recursive: true, force: true }));

    describe('the seed flow with a real agent process', function () {
      this.timeout(60_000);

      it('installs packages (dry run, with the real package manager), succeeds, and writes one packages_simulated event', async function () {
        if (!fs.existsSync('/usr/bin/apt-get') && !fs.existsSync('/usr/bin/dnf')) this.skip(); // explained: needs a host package manager
        const credential = await register(ctx(), 'seed-host');
        const agent = await startAgentProcess(ctx().address, 'seed-host', credential);
        try {
          const task = await create(ctx().clients, 'seed-host', 'packages.install', { packages: ['zsh'], dry_run: true });
          await waitForState(ctx().clients, task.id, ['TASK_STATE_SUCCEEDED', 'TASK_STATE_FAILED']);
          const done = await getTask(ctx(), task.id);
          assert.equal(done.state, 'TASK_STATE_SUCCEEDED', JSON.stringify(done.error));
          assert.equal(JSON.parse(done.resultJson).dry_run, true);
          const { events } = await call(ctx().clients.consumers, 'listConsumerHistory', { consumerId: 'seed-host' });
          assert.deepEqual(events.map((e) => e.type), ['packages_simulated', 'registered'], 'a dry run is never recorded as a change');
          assert.equal(events[0].taskId, task.id);
          assert.deepEqual(JSON.parse(events[0].detailsJson).requested, ['zsh']);
          assert.ok(!agent.output().includes(credential), 'the credential never reaches the log');
          const { consumer } = await call(ctx().clients.consumers, 'getConsumer', { consumerId: 'seed-host' });
          assert.equal(consumer!.online, true);
          assert.ok(consumer!.lastSeenTime);
        } finally {
          await agent.stop();
        }
        await eventually('the consumer to show offline', async () => !(await call(ctx().clients.consumers, 'getConsumer', { consumerId: 'seed-host' })).consumer!.online);
      });

      it('shuts down gracefully: a running task finishes and replies before the agent exits 0', async () => {
        const credential = await register(ctx(), 'drain-host');
        const release = path.join(work, 'drain-release');
        const agent = await startAgentProcess(ctx().address, 'drain-host', credential);
        const task = await create(ctx().clients, 'drain-host', 'testing.wait', { release_file: release });
        await waitForState(ctx().clients, task.id, ['TASK_STATE_RUNNING']);
        agent.child.kill('SIGTERM');
        await eventually('the agent to begin stopping', async () => /"event":"agent\.stopping"/.test(agent.output()));
        fs.writeFileSync(release, '');
        const { code } = await exited(agent.child);
        assert.equal(code, 0);
        // The reply left before the agent exited; the server records it a moment later (had it not left, the task would stay RUNNING).
        await waitForState(ctx().clients, task.id, ['TASK_STATE_SUCCEEDED'], 5000);
      });

      it('runs arbitrary commands only when the agent allow-lists them', async () => {
        const credential = await register(ctx(), 'cmd-host');
        // system.run needs a token whose methods name it (no role or wildcard grants it).
        const { secret } = await call(ctx().clients.tokens, 'createToken', { name: 'runner', role: 'TOKEN_ROLE_OPERATOR', methods: ['system.run'] });
        const runner = clientsWith(ctx(), secret);
        let agent = await startAgentProcess(ctx().address, 'cmd-host', credential);
        try {
          // Refused at creation: the agent's hello did not offer it.
          const atCreate = await expectStatus(create(runner, 'cmd-host', 'system.run', { command: 'echo', args: ['hi'] }), grpc.status.FAILED_PRECONDITION);
          assert.match(atCreate.details, /^method "system\.run" is not offered by consumer cmd-host's agent \(taskplane-agent\/[^)]+\); it offers: .*packages\.install/);
          // Forced, it still never runs: the server fails it without sending it.
          const refused = await create(runner, 'cmd-host', 'system.run', { command: 'echo', args: ['hi'] }, { allowUnknownMethod: true });
          await waitForState(ctx().clients, refused.id, ['TASK_STATE_FAILED']);
          assert.equal((await getTask(ctx(), refused.id)).error!.type, 'UnknownMethod');
        } finally {
          await agent.stop();
        }
        agent = await startAgentProcess(ctx().address, 'cmd-host', credential, agent.stateDir, ['--allow-command', 'echo']);
        try {
          const allowed = await create(runner, 'cmd-host', 'system.run', { command: 'echo', args: ['hi'] });
          await waitForState(ctx().clients, allowed.id, ['TASK_STATE_SUCCEEDED']);
          assert.equal(JSON.parse((await getTask(ctx(), allowed.id)).resultJson).stdout, 'hi\n');
          const other = await create(runner, 'cmd-host', 'system.run', { command: 'rm', args: ['-rf', '/tmp/x'] });
          await waitForState(ctx().clients, other.id, ['TASK_STATE_FAILED']);
          assert.equal((await getTask(ctx(), other.id)).error!.type, 'CommandNotAllowed');
        } finally {
          await agent.stop();
          runner.close();
        }
      });

      it('delivers tasks created while the consumer was offline once its agent connects, in order', async () => {
        const credential = await register(ctx(), 'late-host');
        const runs = path.join(work, 'late-runs');
        const tasks = [];
        for (let i = 0; i < 3; i++) tasks.push(await create(ctx().clients, 'late-host', 'testing.echo', { i, runs_file: runs }));
        assert.equal((await getTask(ctx(), tasks[0].id)).state, 'TASK_STATE_WAITING');
        const agent = await startAgentProcess(ctx().address, 'late-host', credential);
        try {
          for (const t of tasks) await waitForState(ctx().clients, t.id, ['TASK_STATE_SUCCEEDED']);
          assert.deepEqual(runsOf(runs), tasks.map((t) => t.id), 'each ran once, oldest first');
        } finally {
          await agent.stop();
        }
      });

      it('fails a task for a method the agent does not have, saying so', async () => {
        const credential = await register(ctx(), 'plain-host');
        const agent = await startAgentProcess(ctx().address, 'plain-host', credential);
        try {
          // Forced past the check at creation (consumer-capabilities.e2e.ts), it fails at dispatch.
          const task = await create(ctx().clients, 'plain-host', 'nosuch.method', {}, { allowUnknownMethod: true });
          await waitForState(ctx().clients, task.id, ['TASK_STATE_FAILED']);
          assert.equal((await getTask(ctx(), task.id)).error!.type, 'UnknownMethod');
        } finally {
          await agent.stop();
        }
      });

      it('records the error of a failed method with its type, message and details', async () => {
        const credential = await register(ctx(), 'fail-host');
        const agent = await startAgentProcess(ctx().address, 'fail-host', credential);
        try {
          const task = await create(ctx().clients, 'fail-host', 'testing.fail');
          await waitForState(ctx().clients, task.id, ['TASK_STATE_FAILED']);
          const { error } = await getTask(ctx(), task.id);
          assert.equal(error!.type, 'DiskFull');
          assert.equal(error!.message, 'no space left on /var');
          assert.deepEqual(JSON.parse(error!.detailsJson).traceback, ['line 1', 'line 2']);
        } finally {
          await agent.stop();
        }
      });

      it('cancels a running task: its handler sees the abort and the task ends CANCELED', async () => {
        const credential = await register(ctx(), 'cancel-host');
        const agent = await startAgentProcess(ctx().address, 'cancel-host', credential);
        try {
          const task = await create(ctx().clients, 'cancel-host', 'testing.wait', { release_file: path.join(work, 'never') });
          await waitForState(ctx().clients, task.id, ['TASK_STATE_RUNNING']);
          await call(ctx().clients.tasks, 'cancelTask', { taskId: task.id, reason: 'change window moved' });
          await waitForState(ctx().clients, task.id, ['TASK_STATE_CANCELED']);
          const done = await getTask(ctx(), task.id);
          assert.equal(done.error!.type, 'Canceled');
          assert.match(done.error!.message, /change window moved/, 'the abort reason reached the handler');
        } finally {
          await agent.stop();
        }
      });

      it('ends a task past its timeout TIMED_OUT and tells the agent to stop it', async () => {
        const credential = await register(ctx(), 'slow-host');
        const agent = await startAgentProcess(ctx().address, 'slow-host', credential);
        try {
          const task = await create(ctx().clients, 'slow-host', 'testing.wait', { release_file: path.join(work, 'never') }, { timeoutDuration: { seconds: '1' } });
          await waitForState(ctx().clients, task.id, ['TASK_STATE_TIMED_OUT']);
          const done = await getTask(ctx(), task.id);
          assert.equal(done.error!.type, 'TimedOut');
          const ran = Number(done.endTime!.seconds) * 1000 + done.endTime!.nanos / 1e6 - (Number(done.startTime!.seconds) * 1000 + done.startTime!.nanos / 1e6);
          assert.ok(ran >= 1000, `timed out after ${ran} ms of running, not before`);
          await eventually('the agent to receive the cancellation', async () => /"event":"task\.cancel_received"[^\n]*"running":true/.test(agent.output()));
          // The agent is free again: the next task runs.
          const next = await create(ctx().clients, 'slow-host', 'testing.echo');
          await waitForState(ctx().clients, next.id, ['TASK_STATE_SUCCEEDED']);
        } finally {
          await agent.stop();
        }
      });

      it('runs a task at most once when the agent is killed with kill -9 mid-task and restarted: it reports it Interrupted', async () => {
        const credential = await register(ctx(), 'crash-host');
        const runs = path.join(work, 'crash-runs');
        let agent = await startAgentProcess(ctx().address, 'crash-host', credential);
        const task = await create(ctx().clients, 'crash-host', 'testing.wait', { release_file: path.join(work, 'crash-release'), runs_file: runs });
        await waitForState(ctx().clients, task.id, ['TASK_STATE_RUNNING']);
        await agent.kill9();
        fs.writeFileSync(path.join(work, 'crash-release'), '');
        agent = await startAgentProcess(ctx().address, 'crash-host', credential, agent.stateDir);
        try {
          await waitForState(ctx().clients, task.id, ['TASK_STATE_FAILED']);
          assert.equal((await getTask(ctx(), task.id)).error!.type, 'Interrupted');
          assert.deepEqual(runsOf(runs), [task.id], 'started once, not again after the restart');
        } finally {
          await agent.stop();
        }
      });

      it('answers a task it already finished with the saved reply when a server sends it again', async () => {
        const credential = await register(ctx(), 'again-host');
        const runs = path.join(work, 'again-runs');
        const agent = await startAgentProcess(ctx().address, 'again-host', credential);
        try {
          const task = await create(ctx().clients, 'again-host', 'testing.echo', { runs_file: runs, n: 7 });
          await waitForState(ctx().clients, task.id, ['TASK_STATE_SUCCEEDED']);
          await agent.stop();
          // As if the settlement had been lost: the server believes the task is still out there.
          const knex = ctx().server.db.knex;
          await knex('tasks').where({ id: task.id }).update({ state: 'DISPATCHED', result_json: null, end_time: null });
          const lastEvent = await knex('task_events').where({ task_id: task.id }).max({ id: 'id' }).first();
          const again = await startAgentProcess(ctx().address, 'again-host', credential, agent.stateDir);
          try {
            await waitForState(ctx().clients, task.id, ['TASK_STATE_SUCCEEDED'], 15_000, String(lastEvent!.id));
            assert.equal(JSON.parse((await getTask(ctx(), task.id)).resultJson).n, 7);
            assert.deepEqual(runsOf(runs), [task.id], 'the saved reply, not a second run');
          } finally {
            await again.stop();
          }
        } finally {
          await agent.stop();
        }
      });
    });

    describe('the stream, with hand-driven agents', () => {
      it('refuses a missing credential, a wrong one, and one of an unregistered consumer with UNAUTHENTICATED, changing nothing', async () => {
        const credential = await register(ctx(), 'auth-host');
        const other = await register(ctx(), 'auth-other');
        await register(ctx(), 'auth-gone').then(async (c) => {
          await call(ctx().clients.consumers, 'deleteConsumer', { consumerId: 'auth-gone' });
          return c;
        });
        const gone = await register(ctx(), 'auth-gone-2');
        await call(ctx().clients.consumers, 'deleteConsumer', { consumerId: 'auth-gone-2' });
        const attempts: Array<[string, string | null, string | null]> = [
          ['no credential', 'auth-host', null],
          ['no consumer id', null, credential],
          ['a wrong credential', 'auth-host', `${credential}x`],
          ["another consumer's credential", 'auth-host', other],
          ['an unregistered consumer', 'auth-gone-2', gone],
        ];
        for (const [what, consumerId, cred] of attempts) {
          const agent = new FakeAgent(ctx().address, consumerId, cred);
          try {
            const status = await agent.closed();
            assert.equal(status.code, grpc.status.UNAUTHENTICATED, what);
            assert.ok(!status.details.includes(credential), 'the credential is not echoed');
          } finally {
            agent.close();
          }
        }
        const row = await ctx().server.db.knex('consumers').where({ id: 'auth-host' }).first();
        assert.equal(row.session_id, null, 'no stream was attached');
      });

      it('keeps one live stream per consumer: the newer wins and the older ends ABORTED', async () => {
        const credential = await register(ctx(), 'twin-host');
        const first = await connectFake(ctx(), 'twin-host', credential);
        const second = await connectFake(ctx(), 'twin-host', credential);
        try {
          const status = await first.closed();
          assert.equal(status.code, grpc.status.ABORTED);
          assert.match(status.details, /newer connection/);
          const task = await create(ctx().clients, 'twin-host', 'testing.echo');
          assert.equal((await second.taskRequest()).taskId, task.id, 'work goes to the newer stream');
        } finally {
          first.close();
          second.close();
        }
      });

      it("sends a consumer's tasks oldest first, never more at once than its concurrency", async () => {
        const credential = await register(ctx(), 'fifo-host');
        const tasks = [];
        for (let i = 0; i < 5; i++) tasks.push(await create(ctx().clients, 'fifo-host', 'testing.echo', { i }));
        const agent = await connectFake(ctx(), 'fifo-host', credential, { concurrency: 2 });
        try {
          const a = await agent.taskRequest();
          const b = await agent.taskRequest();
          assert.deepEqual([a.taskId, b.taskId], [tasks[0].id, tasks[1].id]);
          // A third is not sent while two are unsettled (the server would have sent it right behind the others).
          await agent.next('heartbeat', (m) => Boolean(m.heartbeat));
          assert.equal(agent.pending().filter((m) => m.taskRequest).length, 0);
          agent.send({ accepted: { taskId: a.taskId } });
          agent.send({ reply: { taskId: a.taskId, resultJson: '{}' } });
          assert.equal((await agent.taskRequest()).taskId, tasks[2].id);
        } finally {
          agent.close();
        }
      });

      it('settles a task on the first reply; a duplicate is acknowledged and writes nothing', async () => {
        const credential = await register(ctx(), 'dup-host');
        const agent = await connectFake(ctx(), 'dup-host', credential);
        try {
          const task = await create(ctx().clients, 'dup-host', 'packages.install', { packages: ['vim'] });
          await agent.taskRequest();
          agent.send({ accepted: { taskId: task.id } });
          agent.send({ reply: { taskId: task.id, resultJson: '{"changed":["vim"]}' } });
          agent.send({ reply: { taskId: task.id, error: { type: 'Late', message: 'a different, later answer', detailsJson: '' } } });
          await agent.next('first ack', (m) => m.replyAck?.taskId === task.id);
          await agent.next('second ack', (m) => m.replyAck?.taskId === task.id);
          const done = await getTask(ctx(), task.id);
          assert.equal(done.state, 'TASK_STATE_SUCCEEDED');
          assert.equal(done.resultJson, '{"changed":["vim"]}');
          const history = await ctx().server.db.knex('consumer_history').where({ task_id: task.id });
          assert.equal(history.length, 1);
          assert.equal(history[0].type, 'packages_installed');
        } finally {
          agent.close();
        }
      });

      it("refuses a reply or progress for another consumer's task, changing nothing", async () => {
        const victimCredential = await register(ctx(), 'victim-host');
        const intruderCredential = await register(ctx(), 'intruder-host');
        const victim = await connectFake(ctx(), 'victim-host', victimCredential);
        const intruder = await connectFake(ctx(), 'intruder-host', intruderCredential);
        try {
          const task = await create(ctx().clients, 'victim-host', 'packages.install', { packages: ['vim'] });
          await victim.taskRequest();
          const before = await ctx().server.db.knex('tasks').where({ id: task.id }).first();
          intruder.send({ accepted: { taskId: task.id } });
          intruder.send({ progress: { taskId: task.id, percent: 99, message: 'pwned' } });
          intruder.send({ reply: { taskId: task.id, resultJson: '{}' } });
          // The intruder's own unknown-task reply is acked; once it is, its earlier messages were processed.
          intruder.send({ reply: { taskId: '00000000-0000-4000-8000-000000000000', resultJson: '{}' } });
          await intruder.next('ack of the unknown task', (m) => m.replyAck?.taskId === '00000000-0000-4000-8000-000000000000');
          assert.equal(intruder.pending().filter((m) => m.replyAck?.taskId === task.id).length, 0, 'no ack for the foreign reply');
          const after = await ctx().server.db.knex('tasks').where({ id: task.id }).first();
          assert.deepEqual(after, before);
          assert.equal((await ctx().server.db.knex('task_events').where({ task_id: task.id }).whereIn('type', ['PROGRESS'])).length, 0);
          assert.equal((await ctx().server.db.knex('consumer_history').where({ task_id: task.id })).length, 0);
        } finally {
          victim.close();
          intruder.close();
        }
      });

      it('shows the latest progress in GetTask and streams it in WatchTask', async () => {
        const credential = await register(ctx(), 'progress-host');
        const agent = await connectFake(ctx(), 'progress-host', credential);
        try {
          const task = await create(ctx().clients, 'progress-host', 'testing.echo');
          await agent.taskRequest();
          agent.send({ accepted: { taskId: task.id } });
          agent.send({ progress: { taskId: task.id, percent: 40, message: 'downloading', detailsJson: '{"bytes":1024}' } });
          await waitForState(ctx().clients, task.id, ['TASK_STATE_RUNNING']);
          const progress = await eventually('progress to be recorded', async () => (await getTask(ctx(), task.id)).progress);
          assert.equal(progress.percent, 40);
          assert.equal(progress.message, 'downloading');
          assert.equal(progress.detailsJson, '{"bytes":1024}');
          const watched = await new Promise<string[]>((resolve, reject) => {
            const seen: string[] = [];
            const stream = ctx().clients.tasks.watchTask({ taskId: task.id });
            stream.on('data', ({ event }) => {
              seen.push(event.type === 'TASK_EVENT_TYPE_PROGRESS' ? `progress ${event.progress.percent}` : event.state);
              if (event.state === 'TASK_STATE_SUCCEEDED') resolve(seen);
            });
            stream.on('error', reject);
            agent.send({ reply: { taskId: task.id, resultJson: '{}' } });
          });
          assert.deepEqual(watched, ['TASK_STATE_WAITING', 'TASK_STATE_DISPATCHED', 'TASK_STATE_RUNNING', 'progress 40', 'TASK_STATE_SUCCEEDED']);
        } finally {
          agent.close();
        }
      });

      it('sends a dispatched task again when the agent does not accept it in time', async () => {
        const credential = await register(ctx(), 'deaf-host');
        const agent = await connectFake(ctx(), 'deaf-host', credential);
        try {
          const task = await create(ctx().clients, 'deaf-host', 'testing.echo');
          const first = await agent.taskRequest();
          const second = await agent.taskRequest(5000);
          assert.equal(second.taskId, task.id);
          assert.equal(second.attempt, first.attempt + 1);
        } finally {
          agent.close();
        }
      });

      it('sends unsettled tasks again after the agent reconnects', async () => {
        const credential = await register(ctx(), 'flaky-host');
        const first = await connectFake(ctx(), 'flaky-host', credential);
        const task = await create(ctx().clients, 'flaky-host', 'testing.echo');
        await first.taskRequest();
        first.send({ accepted: { taskId: task.id } });
        await waitForState(ctx().clients, task.id, ['TASK_STATE_RUNNING']);
        first.close();
        const second = await connectFake(ctx(), 'flaky-host', credential);
        try {
          const again = await second.taskRequest();
          assert.equal(again.taskId, task.id);
          assert.equal(again.attempt, 2);
          second.send({ reply: { taskId: task.id, resultJson: '{}' } });
          await waitForState(ctx().clients, task.id, ['TASK_STATE_SUCCEEDED']);
        } finally {
          second.close();
        }
      });

      it('releases a silent stream within the liveness bound and marks the consumer offline', async () => {
        const credential = await register(ctx(), 'silent-host');
        const agent = await connectFake(ctx(), 'silent-host', credential);
        const started = Date.now();
        try {
          const status = await agent.closed(10_000);
          assert.equal(status.code, grpc.status.UNAVAILABLE);
          // Bounded, not exact: generous slack so a loaded CI machine cannot make it flaky.
          assert.ok(Date.now() - started < 2 * 1500 + 2000, 'released within the configured bound, not never');
          await eventually('the consumer to be offline', async () => (await ctx().server.db.knex('consumers').where({ id: 'silent-host' }).first()).session_id === null);
        } finally {
          agent.close();
        }
      });

      it('refuses a stream whose first message is not hello', async () => {
        const credential = await register(ctx(), 'rude-host');
        const agent = new FakeAgent(ctx().address, 'rude-host', credential, null);
        try {
          agent.send({ heartbeat: {} });
          const status = await agent.closed();
          assert.equal(status.code, grpc.status.FAILED_PRECONDITION);
          assert.match(status.details, /hello/);
        } finally {
          agent.close();
        }
      });
    });
  },
  { agents: FAST_AGENTS },
);


describe('the agent checks the window itself', function () {
  this.timeout(60_000);
  // A server whose clock runs an hour behind believes a window is still
  // open; the agent, on the true time, must refuse to start the task.
  const lateClock = new FakeClock(Date.now() - 3600_000);
  describeOnEachStore(
    'with a server clock an hour slow',
    (ctx) => {
      it('refuses a request that arrives after its window closed (WindowClosed), beyond the clock-skew tolerance', async () => {
        const credential = await register(ctx(), 'skew-host');
        const runs = path.join(tempDir('skew'), 'runs');
        const agent = await startAgentProcess(ctx().address, 'skew-host', credential);
        try {
          const notAfterTime = lateClock.now() + 10 * 60_000; // open for the server, 50 minutes past for the agent
          const task = await create(ctx().clients, 'skew-host', 'testing.echo', { runs_file: runs }, { notAfterTime: { seconds: String(Math.floor(notAfterTime / 1000)), nanos: 0 } });
          await waitForState(ctx().clients, task.id, ['TASK_STATE_FAILED']);
          assert.equal((await getTask(ctx(), task.id)).error!.type, 'WindowClosed');
          assert.deepEqual(runsOf(runs), [], 'never started');
        } finally {
          await agent.stop();
        }
      });
    },
    { clock: lateClock, schedulerTicker: false },
  );
});
