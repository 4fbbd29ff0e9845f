import assert from 'node:assert/strict';
import * as grpc from '@grpc/grpc-js';
import { call, connect } from '../client/client';
import type { TaskplaneClients } from '../client/client';
import { MAX_HISTORY_DETAILS_BYTES } from '../server/tasks/settlement';
import { FakeAgent } from './helpers/fake-agent';
import { describeOnEachStore, eventually, type TestServer } from './helpers/server';

/**
 * Guarantee 9, one bad actor harms nobody else: malformed, oversized,
 * flooding or stalled agents cost only their own work. Each agent here is a
 * hand-driven stream that sends exactly what a broken or hostile agent would.
 */

const MiB = 1024 * 1024;

async function register(t: TestServer, consumerId: string): Promise<string> {
  return (await call(t.clients.consumers, 'registerConsumer', { consumerId })).credential;
}

function create(clients: TaskplaneClients, consumerId: string, method: string, args: object = {}) {
  return call(clients.tasks, 'createTask', { consumerId, method, argumentsJson: JSON.stringify(args) }).then((r) => r.task!);
}

async function getTask(t: TestServer, taskId: string) {
  return (await call(t.clients.tasks, 'getTask', { taskId })).task!;
}

async function connectFake(t: TestServer, consumerId: string, hello: ConstructorParameters<typeof FakeAgent>[3] = {}): Promise<FakeAgent> {
  const agent = new FakeAgent(t.address, consumerId, await register(t, consumerId), hello);
  await agent.next('welcome', (m) => Boolean(m.welcome));
  return agent;
}

/** Creates a task and waits until it is on the agent's stream. */
async function dispatched(t: TestServer, agent: FakeAgent, consumerId: string, method = 'testing.echo', args: object = {}) {
  const task = await create(t.clients, consumerId, method, args);
  await agent.next(`the request of ${task.id}`, (m) => m.taskRequest?.taskId === task.id);
  return task;
}

async function settledState(t: TestServer, taskId: string) {
  return eventually(`task ${taskId} settled`, async () => {
    const task = await getTask(t, taskId);
    return ['TASK_STATE_SUCCEEDED', 'TASK_STATE_FAILED'].includes(String(task.state)) ? task : null;
  });
}

describeOnEachStore(
  'one bad agent harms nobody else',
  (ctx) => {
    it('settles oversized replies as the agent said, their text replaced or cut, and every other report of the batch as sent, with no stream cut', async () => {
      const bad = await connectFake(ctx(), 'big-replier', { concurrency: 4 });
      const good = await connectFake(ctx(), 'good-neighbour', { concurrency: 4 });
      try {
        const hugeResult = await dispatched(ctx(), bad, 'big-replier');
        const longType = await dispatched(ctx(), bad, 'big-replier');
        const longMessage = await dispatched(ctx(), bad, 'big-replier');
        const neighbours = [await dispatched(ctx(), good, 'good-neighbour'), await dispatched(ctx(), good, 'good-neighbour')];
        // All sent together, so they meet in one settlement batch.
        bad.send({ reply: { taskId: hugeResult.id, resultJson: JSON.stringify({ blob: 'x'.repeat(2 * MiB) }) } });
        bad.send({ reply: { taskId: longType.id, error: { type: 'T'.repeat(300), message: 'boom', detailsJson: '' } } });
        bad.send({ reply: { taskId: longMessage.id, error: { type: 'Boom', message: 'm'.repeat(100 * 1024), detailsJson: '' } } });
        for (const t of neighbours) good.send({ reply: { taskId: t.id, resultJson: '{"ok":true}' } });

        // The outcome is the truth about the host: each settles as the agent said; only the oversized text is replaced.
        const huge = await settledState(ctx(), hugeResult.id);
        assert.equal(huge.state, 'TASK_STATE_SUCCEEDED');
        assert.deepEqual(JSON.parse(huge.resultJson), { result_too_large: { bytes: Buffer.byteLength(JSON.stringify({ blob: 'x'.repeat(2 * MiB) })) } });
        const typed = await settledState(ctx(), longType.id);
        assert.equal(typed.state, 'TASK_STATE_FAILED');
        assert.equal(typed.error!.type, 'T'.repeat(128), 'a long error type is cut to 128 characters');
        const cut = await settledState(ctx(), longMessage.id);
        assert.equal(cut.error!.type, 'Boom');
        assert.ok(Buffer.byteLength(cut.error!.message) <= 16 * 1024, 'a long message is cut to 16 KiB');
        assert.match(cut.error!.message, /\[cut: 102400 bytes in all\]$/);
        for (const t of neighbours) assert.equal((await settledState(ctx(), t.id)).state, 'TASK_STATE_SUCCEEDED');
        for (const t of [hugeResult, longType, longMessage]) await bad.next(`ack of ${t.id}`, (m) => m.replyAck?.taskId === t.id);
        assert.equal(bad.ended, null, 'the oversized replier keeps its stream');
        assert.equal(good.ended, null, 'its neighbour keeps its stream');
      } finally {
        bad.close();
        good.close();
      }
    });

    it('records the history of a result with thousands of changed packages, fitted to the history row', async () => {
      const agent = await connectFake(ctx(), 'many-packages', { methods: ['packages.install'] });
      try {
        const task = await dispatched(ctx(), agent, 'many-packages', 'packages.install', { packages: ['zsh'] });
        const changed = Array.from({ length: 3000 }, (_, i) => ({ package: `package-with-a-rather-long-name-${String(i).padStart(5, '0')}-${'x'.repeat(60)}`, action: 'install', to: '1.0' }));
        agent.send({ reply: { taskId: task.id, resultJson: JSON.stringify({ changed }) } });
        assert.equal((await settledState(ctx(), task.id)).state, 'TASK_STATE_SUCCEEDED');
        const { events } = await call(ctx().clients.consumers, 'listConsumerHistory', { consumerId: 'many-packages', types: ['packages_installed'] });
        assert.equal(events.length, 1);
        assert.ok(Buffer.byteLength(events[0].detailsJson) <= MAX_HISTORY_DETAILS_BYTES);
        const details = JSON.parse(events[0].detailsJson);
        assert.equal(details.truncated, true);
        assert.equal(details.changed_count, 3000, 'the full count survives');
        assert.deepEqual(details.changed, changed.slice(0, details.changed.length), 'the first entries are kept, in order');
      } finally {
        agent.close();
      }
    });

    it('cuts off an agent that stops reading its stream (RESOURCE_EXHAUSTED) while its neighbour is served', async () => {
      // A large concurrency gives it a large report budget: what ends its stream must be the unread acks.
      const stalled = await connectFake(ctx(), 'stalled-reader', { concurrency: 100 });
      const neighbour = await connectFake(ctx(), 'reading-neighbour');
      try {
        stalled.stopReading();
        // Every reply is acknowledged, even for an unknown task: the acks pile up on the server.
        for (let i = 0; i < 6000; i++) stalled.send({ reply: { taskId: `00000000-0000-0000-0000-${String(i).padStart(12, '0')}`, resultJson: 'null' } });
        // The server ends the stream: its consumer goes offline. (The stalled client sees the status only once it reads again.)
        await eventually('the stalled stream cut off', async () => (await ctx().server.db.knex('consumers').where({ id: 'stalled-reader' }).first()).session_id === null, 20_000, 50);
        stalled.resumeReading();
        const status = await stalled.closed(20_000);
        assert.equal(status.code, grpc.status.RESOURCE_EXHAUSTED);
        assert.match(status.details, /did not read its stream/);
        const task = await dispatched(ctx(), neighbour, 'reading-neighbour');
        neighbour.send({ reply: { taskId: task.id, resultJson: '{}' } });
        assert.equal((await settledState(ctx(), task.id)).state, 'TASK_STATE_SUCCEEDED');
      } finally {
        stalled.close();
        neighbour.close();
      }
    });

    it('coalesces a flood of progress to the latest report, and cuts off an agent that floods replies past its budget', async () => {
      const chatty = await connectFake(ctx(), 'chatty');
      try {
        const task = await dispatched(ctx(), chatty, 'chatty');
        chatty.send({ accepted: { taskId: task.id } });
        for (let percent = 1; percent <= 100; percent++) chatty.send({ progress: { taskId: task.id, percent, message: `step ${percent}`, detailsJson: JSON.stringify({ pad: 'p'.repeat(9000) }) } });
        await eventually('the latest progress', async () => (await getTask(ctx(), task.id)).progress?.percent === 100, 10_000, 50);
        const rows = await ctx().server.db.knex('task_events').where({ task_id: task.id, type: 'PROGRESS' });
        assert.ok(rows.length <= 3, `100 reports within a second are stored as at most 3 events, got ${rows.length}`);
        assert.equal((await getTask(ctx(), task.id)).progress!.message, 'step 100');

        // Progress is never cut off (coalescing bounds its cost); replies cost the store, and a flood of them is.
        for (let i = 0; i < 5000; i++) chatty.send({ reply: { taskId: `00000000-0000-0000-0000-${String(i).padStart(12, '0')}`, resultJson: 'null' } });
        const status = await chatty.closed(20_000);
        assert.equal(status.code, grpc.status.RESOURCE_EXHAUSTED);
        assert.match(status.details, /more reports than its budget/);
      } finally {
        chatty.close();
      }
    });

    it('ends a task its connected agent never accepts FAILED (NotAccepted) after a bounded number of sends, and tells the agent', async () => {
      const mute = await connectFake(ctx(), 'never-accepts');
      try {
        const task = await create(ctx().clients, 'never-accepts', 'testing.echo');
        for (let send = 1; send <= 3; send++) await mute.next(`send ${send}`, (m) => m.taskRequest?.taskId === task.id);
        const settled = await settledState(ctx(), task.id);
        assert.equal(settled.state, 'TASK_STATE_FAILED');
        assert.equal(settled.error!.type, 'NotAccepted');
        assert.equal(settled.attempt, 3);
        await mute.next('the cancellation', (m) => m.cancellation?.taskId === task.id);
      } finally {
        mute.close();
      }
    });

    it('lists large tasks without their large fields by default, and a full list in pages a default client can read', async () => {
      const agent = await connectFake(ctx(), 'big-results', { concurrency: 8 });
      const smallClient = connect(ctx().address, { token: ctx().token, channelOptions: { 'grpc.max_receive_message_length': 4 * MiB } });
      try {
        const tasks = [];
        for (let i = 0; i < 6; i++) tasks.push(await dispatched(ctx(), agent, 'big-results'));
        for (const t of tasks) agent.send({ reply: { taskId: t.id, resultJson: JSON.stringify({ blob: 'r'.repeat(MiB - 100) }) } });
        for (const t of tasks) assert.equal((await settledState(ctx(), t.id)).state, 'TASK_STATE_SUCCEEDED');

        const basic = await call(smallClient.tasks, 'listTasks', { consumerId: 'big-results' });
        assert.equal(basic.tasks.length, 6);
        assert.ok(basic.tasks.every((t) => t.resultJson === '' && t.state === 'TASK_STATE_SUCCEEDED'), 'BASIC leaves results out');
        const seen: string[] = [];
        let pageToken = '';
        let pages = 0;
        do {
          const page = await call(smallClient.tasks, 'listTasks', { consumerId: 'big-results', view: 'TASK_VIEW_FULL', pageToken });
          assert.ok(page.tasks.length < 6, 'a full page stops before the client limit');
          for (const t of page.tasks) {
            assert.equal(t.resultJson.length, MiB - 100 + '{"blob":""}'.length);
            seen.push(t.id);
          }
          pageToken = page.nextPageToken;
          pages++;
        } while (pageToken);
        assert.deepEqual(seen.sort(), tasks.map((t) => t.id).sort(), 'every task once');
        assert.ok(pages >= 2);
        const one = await call(smallClient.tasks, 'getTask', { taskId: tasks[0].id });
        assert.ok(one.task!.resultJson.length > MiB - 100, 'GetTask returns the whole result');
      } finally {
        smallClient.close();
        agent.close();
      }
    });
  },
  // A small queue bound (the default is 4096), still above the acks of one settlement batch (256), which a reading agent may see in one burst.
  { agents: { heartbeatIntervalMs: 200, livenessTimeoutMs: 5000, acceptTimeoutMs: 300, maxUnacceptedSends: 3, pollIntervalMs: 100 }, agentStreamQueueLimit: 1000 },
);
