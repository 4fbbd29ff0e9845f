import assert from 'node:assert/strict';
import * as grpc from '@grpc/grpc-js';
import { call } from '../client/client';
import { FakeAgent } from './helpers/fake-agent';
import { describeOnEachStore, eventually, expectStatus, type TestServer } from './helpers/server';
import type { CreateTaskRequest } from '../protos/generated/taskplane/v1/CreateTaskRequest';
import type { TaskEvent__Output } from '../protos/generated/taskplane/v1/TaskEvent';

async function registerConsumer(t: TestServer, consumerId: string, labels: Record<string, string> = {}) {
  return call(t.clients.consumers, 'registerConsumer', { consumerId, labels });
}

function createTask(t: TestServer, request: CreateTaskRequest) {
  return call(t.clients.tasks, 'createTask', request).then((r) => r.task!);
}

const credentials = new Map<string, string>();

/** Registers a consumer and runs `body` with a hand-driven agent connected as it. */
async function registerConsumerWithAgent(t: TestServer, consumerId: string, body: (agent: FakeAgent) => Promise<void>) {
  const { credential } = await registerConsumer(t, consumerId);
  credentials.set(consumerId, credential);
  await registerAgainWithAgent(t, consumerId, body);
}

/** Connects a hand-driven agent again as an already registered consumer. */
async function registerAgainWithAgent(t: TestServer, consumerId: string, body: (agent: FakeAgent) => Promise<void>) {
  const agent = new FakeAgent(t.address, consumerId, credentials.get(consumerId)!);
  try {
    await agent.next('welcome', (m) => Boolean(m.welcome));
    await body(agent);
  } finally {
    agent.close();
  }
}

function timestamp(ms: number) {
  return { seconds: String(Math.floor(ms / 1000)), nanos: (ms % 1000) * 1e6 };
}

/** Opens WatchTask and collects events until the stream ends (or `stopAfter` events). */
function watch(t: TestServer, taskId: string, afterEventId = '0', onEvent?: (e: TaskEvent__Output) => void): Promise<{ events: TaskEvent__Output[]; status: grpc.status }> {
  return new Promise((resolve, reject) => {
    const events: TaskEvent__Output[] = [];
    const stream = t.clients.tasks.watchTask({ taskId, afterEventId });
    stream.on('data', (msg: { event: TaskEvent__Output }) => {
      events.push(msg.event);
      onEvent?.(msg.event);
    });
    stream.on('error', (err: grpc.ServiceError) => (err.code === grpc.status.CANCELLED ? resolve({ events, status: err.code }) : reject(err)));
    stream.on('end', () => resolve({ events, status: grpc.status.OK }));
  });
}

describeOnEachStore('TaskService', (ctx) => {
  before(async () => {
    await registerConsumer(ctx(), 'web-3', { role: 'web' });
    await registerConsumer(ctx(), 'build-1', { role: 'build' });
  });

  describe('CreateTask and GetTask', () => {
    it('commits the task before answering: a WAITING task readable by id, with its created event', async () => {
      const task = await createTask(ctx(), {
        consumerId: 'web-3',
        method: 'packages.install',
        argumentsJson: '{"packages": ["zsh", "vim"]}',
        labels: { change: 'CHG-1' },
        timeoutDuration: { seconds: '60' },
      });
      assert.equal(task.state, 'TASK_STATE_WAITING');
      assert.match(task.id, /^[0-9a-f-]{36}$/);
      const { task: read } = await call(ctx().clients.tasks, 'getTask', { taskId: task.id });
      assert.equal(read!.consumerId, 'web-3');
      assert.equal(read!.method, 'packages.install');
      assert.deepEqual(JSON.parse(read!.argumentsJson), { packages: ['zsh', 'vim'] });
      assert.deepEqual(read!.labels, { change: 'CHG-1' });
      assert.equal(read!.timeoutDuration!.seconds, '60');
      const rows = await ctx().server.db.knex('task_events').where({ task_id: task.id });
      assert.deepEqual(rows.map((r) => [r.type, r.state, r.cause]), [['STATE_CHANGED', 'WAITING', 'created']]);
    });

    it('makes a task with a future not_before SCHEDULED, keeping its window', async () => {
      const start = Date.now() + 3600_000;
      const task = await createTask(ctx(), {
        consumerId: 'web-3',
        method: 'system.reboot',
        notBeforeTime: timestamp(start),
        notAfterTime: timestamp(start + 7200_000),
      });
      assert.equal(task.state, 'TASK_STATE_SCHEDULED');
      assert.equal(Number(task.notBeforeTime!.seconds), Math.floor(start / 1000));
      assert.equal(Number(task.notAfterTime!.seconds), Math.floor((start + 7200_000) / 1000));
    });

    it('answers a retry with the same idempotency key with the task created the first time', async () => {
      const request = { consumerId: 'web-3', method: 'packages.update', argumentsJson: '{"all":true}', idempotencyKey: 'ci-run-7' };
      const first = await createTask(ctx(), request);
      const again = await createTask(ctx(), { ...request, argumentsJson: '{ "all" : true }' });
      assert.equal(again.id, first.id);
      assert.equal(await ctx().server.db.knex('tasks').where({ idempotency_key: 'ci-run-7' }).count({ n: '*' }).then((r) => Number(r[0].n)), 1);
    });

    it('refuses the same idempotency key with a different request', async () => {
      await createTask(ctx(), { consumerId: 'web-3', method: 'packages.update', idempotencyKey: 'ci-run-8' });
      const err = await expectStatus(createTask(ctx(), { consumerId: 'build-1', method: 'packages.update', idempotencyKey: 'ci-run-8' }), grpc.status.ALREADY_EXISTS);
      assert.match(err.details, /idempotency_key/);
    });

    it('creates exactly one task when the same keyed request races with itself', async () => {
      const request = { consumerId: 'web-3', method: 'packages.install', argumentsJson: '{"packages":["htop"]}', idempotencyKey: 'race-1' };
      const tasks = await Promise.all(Array.from({ length: 8 }, () => createTask(ctx(), request)));
      assert.equal(new Set(tasks.map((t) => t.id)).size, 1);
    });
  });

  describe('BatchCreateTasks', () => {
    it('creates a fleet of tasks in one call, in request order', async () => {
      const requests = Array.from({ length: 250 }, (_, i) => ({ consumerId: i % 2 ? 'web-3' : 'build-1', method: 'packages.update', labels: { batch: 'b1', n: String(i) } }));
      const { tasks } = await call(ctx().clients.tasks, 'batchCreateTasks', { requests });
      assert.equal(tasks.length, 250);
      tasks.forEach((t, i) => assert.equal(t.labels.n, String(i)));
      const count = await ctx().server.db.knex('task_labels').where({ label_key: 'batch', label_value: 'b1' }).count({ n: '*' });
      assert.equal(Number(count[0].n), 250);
    });

    it('writes nothing when one entry is bad, and names that entry', async () => {
      const before = await ctx().server.db.knex('tasks').count({ n: '*' });
      const requests = [
        { consumerId: 'web-3', method: 'packages.update' },
        { consumerId: 'web-3', method: 'packages.update' },
        { consumerId: 'no-such-host', method: 'packages.update' },
      ];
      const err = await expectStatus(call(ctx().clients.tasks, 'batchCreateTasks', { requests }), grpc.status.NOT_FOUND);
      assert.match(err.details, /requests\[2\]\.consumer_id/);
      const after = await ctx().server.db.knex('tasks').count({ n: '*' });
      assert.equal(Number(after[0].n), Number(before[0].n));
    });
  });

  describe('ListTasks', () => {
    before(async () => {
      await call(ctx().clients.consumers, 'registerConsumer', { consumerId: 'list-host' });
      const requests = Array.from({ length: 30 }, (_, i) => ({
        consumerId: 'list-host',
        method: i % 3 === 0 ? 'system.reboot' : 'system.info',
        labels: { parity: i % 2 ? 'odd' : 'even' },
      }));
      await call(ctx().clients.tasks, 'batchCreateTasks', { requests });
    });

    it('filters by consumer, method, state and label', async () => {
      const list = (req: object) => call(ctx().clients.tasks, 'listTasks', { consumerId: 'list-host', pageSize: 1000, ...req });
      assert.equal((await list({})).tasks.length, 30);
      assert.equal((await list({ method: 'system.reboot' })).tasks.length, 10);
      assert.equal((await list({ labelSelector: ['parity=odd'] })).tasks.length, 15);
      assert.equal((await list({ labelSelector: ['parity=odd'], method: 'system.reboot' })).tasks.length, 5);
      assert.equal((await list({ states: ['TASK_STATE_WAITING'] })).tasks.length, 30);
      assert.equal((await list({ states: ['TASK_STATE_RUNNING'] })).tasks.length, 0);
    });

    it('filters by creation time', async () => {
      const { tasks } = await call(ctx().clients.tasks, 'listTasks', { consumerId: 'list-host', pageSize: 1 });
      const newest = Number(tasks[0].createTime!.seconds) * 1000 + Math.floor(tasks[0].createTime!.nanos / 1e6);
      const later = await call(ctx().clients.tasks, 'listTasks', { consumerId: 'list-host', createTimeFrom: timestamp(newest + 1) });
      assert.equal(later.tasks.length, 0);
      const upTo = await call(ctx().clients.tasks, 'listTasks', { consumerId: 'list-host', createTimeTo: timestamp(newest + 1), pageSize: 1000 });
      assert.equal(upTo.tasks.length, 30);
    });

    it('pages newest first without skipping or repeating while new tasks keep arriving', async () => {
      const seen: string[] = [];
      let pageToken = '';
      let round = 0;
      do {
        const page = await call(ctx().clients.tasks, 'listTasks', { consumerId: 'list-host', pageSize: 7, pageToken });
        seen.push(...page.tasks.map((t) => t.id));
        pageToken = page.nextPageToken;
        // Others create tasks between our pages.
        await createTask(ctx(), { consumerId: 'list-host', method: 'system.info', labels: { late: String(round++) } });
      } while (pageToken);
      assert.equal(seen.length, 30, 'every task that existed at the start, once');
      assert.equal(new Set(seen).size, 30);
    });
  });

  describe('CancelTask', () => {
    it('ends a task that was not dispatched CANCELED at once, with its reason', async () => {
      const task = await createTask(ctx(), { consumerId: 'web-3', method: 'packages.install', argumentsJson: '{"packages":["zsh"]}' });
      const { task: canceled } = await call(ctx().clients.tasks, 'cancelTask', { taskId: task.id, reason: 'change window moved' });
      assert.equal(canceled!.state, 'TASK_STATE_CANCELED');
      assert.equal(canceled!.error!.type, 'Canceled');
      assert.match(canceled!.error!.message, /change window moved/);
      assert.ok(canceled!.endTime);
    });

    it('refuses to cancel a task that has ended, with FAILED_PRECONDITION', async () => {
      const task = await createTask(ctx(), { consumerId: 'web-3', method: 'packages.install', argumentsJson: '{"packages":["zsh"]}' });
      await call(ctx().clients.tasks, 'cancelTask', { taskId: task.id });
      const err = await expectStatus(call(ctx().clients.tasks, 'cancelTask', { taskId: task.id }), grpc.status.FAILED_PRECONDITION);
      assert.match(err.details, /CANCELED/);
    });

    it('records a cancel request on a dispatched task while its agent is connected', async () => {
      await registerConsumerWithAgent(ctx(), 'cancel-host', async (agent) => {
        const task = await createTask(ctx(), { consumerId: 'cancel-host', method: 'testing.echo' });
        await agent.taskRequest();
        const { task: after } = await call(ctx().clients.tasks, 'cancelTask', { taskId: task.id, reason: 'stop' });
        assert.equal(after!.state, 'TASK_STATE_DISPATCHED');
        assert.ok(after!.cancelRequestedTime);
        const again = await call(ctx().clients.tasks, 'cancelTask', { taskId: task.id });
        assert.equal(again.task!.state, 'TASK_STATE_DISPATCHED', 'a repeated cancel request is accepted and changes nothing');
        const events = await ctx().server.db.knex('task_events').where({ task_id: task.id, type: 'CANCEL_REQUESTED' });
        assert.equal(events.length, 1);
      });
    });

    it('records the cancel of a dispatched task whose agent is offline; the agent, told when it returns, settles it', async () => {
      let taskId = '';
      await registerConsumerWithAgent(ctx(), 'offline-host', async (agent) => {
        taskId = (await createTask(ctx(), { consumerId: 'offline-host', method: 'testing.echo' })).id;
        await agent.taskRequest();
      });
      await eventually('the agent to be offline', async () => (await ctx().server.db.knex('consumers').where({ id: 'offline-host' }).first()).session_id === null);
      const { task } = await call(ctx().clients.tasks, 'cancelTask', { taskId, reason: 'not now' });
      assert.equal(task!.state, 'TASK_STATE_DISPATCHED', 'only the agent knows whether it started: a request, not an end');
      assert.ok(task!.cancelRequestedTime);
      assert.equal((await ctx().server.db.knex('task_events').where({ task_id: taskId, type: 'CANCEL_REQUESTED' })).length, 1);
      // When the agent returns it is told to stop the task, and not sent it again; its answer settles it.
      await registerAgainWithAgent(ctx(), 'offline-host', async (agent) => {
        const told = await agent.next('the cancellation', (m) => Boolean(m.cancellation));
        assert.equal(told.cancellation!.taskId, taskId);
        assert.match(told.cancellation!.reason, /not now/);
        assert.equal(agent.pending().filter((m) => m.taskRequest).length, 0, 'a canceled task it never accepted is not sent again');
        agent.send({ reply: { taskId, error: { type: 'Canceled', message: 'never started here', detailsJson: '' } } });
        await agent.next('the ack', (m) => m.replyAck?.taskId === taskId);
      });
      const { task: after } = await call(ctx().clients.tasks, 'getTask', { taskId });
      assert.equal(after!.state, 'TASK_STATE_CANCELED');
      assert.equal(Number(after!.attempt), 1, 'one delivery');
    });
  });

  describe('WatchTask', () => {
    it('streams the past, then live events, and ends after the terminal state', async () => {
      const task = await createTask(ctx(), { consumerId: 'web-3', method: 'packages.install', argumentsJson: '{"packages":["zsh"]}' });
      let cancelSent = false;
      const result = await watch(ctx(), task.id, '0', (event) => {
        // Cancel once the watcher has seen the past: the CANCELED event must arrive live.
        if (!cancelSent && event.state === 'TASK_STATE_WAITING') {
          cancelSent = true;
          void call(ctx().clients.tasks, 'cancelTask', { taskId: task.id });
        }
      });
      assert.equal(result.status, grpc.status.OK);
      assert.deepEqual(result.events.map((e) => e.state), ['TASK_STATE_WAITING', 'TASK_STATE_CANCELED']);
      assert.deepEqual(result.events.map((e) => e.type), ['TASK_EVENT_TYPE_STATE_CHANGED', 'TASK_EVENT_TYPE_STATE_CHANGED']);
    });

    it('resumes after the last event seen: nothing missed, nothing twice', async () => {
      await registerConsumerWithAgent(ctx(), 'watch-host', async (agent) => {
        const task = await createTask(ctx(), { consumerId: 'watch-host', method: 'testing.echo' });
        await agent.taskRequest();
        const firstEvents: TaskEvent__Output[] = [];
        // The first watcher disconnects after two events (created, dispatched).
        await new Promise<void>((resolve, reject) => {
          const stream = ctx().clients.tasks.watchTask({ taskId: task.id });
          stream.on('data', (msg: { event: TaskEvent__Output }) => {
            firstEvents.push(msg.event);
            if (firstEvents.length === 2) stream.cancel();
          });
          stream.on('error', (err: grpc.ServiceError) => (err.code === grpc.status.CANCELLED ? resolve() : reject(err)));
          stream.on('end', () => reject(new Error('stream ended before the task did')));
        });
        assert.deepEqual(firstEvents.map((e) => e.state), ['TASK_STATE_WAITING', 'TASK_STATE_DISPATCHED']);
        // Meanwhile the task runs and ends.
        agent.send({ accepted: { taskId: task.id } });
        agent.send({ reply: { taskId: task.id, resultJson: '{"ok":true}' } });
        await agent.next('the reply ack', (m) => m.replyAck?.taskId === task.id);
        const resumed = await watch(ctx(), task.id, firstEvents[1].id);
        assert.deepEqual(resumed.events.map((e) => e.state), ['TASK_STATE_RUNNING', 'TASK_STATE_SUCCEEDED']);
        assert.ok(BigInt(resumed.events[0].id) > BigInt(firstEvents[1].id));
        // A watcher that reconnects after the end gets nothing more, and its stream ends.
        const afterEnd = await watch(ctx(), task.id, resumed.events[1].id);
        assert.deepEqual(afterEnd.events, []);
        assert.equal(afterEnd.status, grpc.status.OK);
      });
    });

    it('answers NOT_FOUND for an unknown task', async () => {
      const err = await watch(ctx(), '00000000-0000-0000-0000-000000000000').then(
        () => assert.fail('expected an error'),
        (e: grpc.ServiceError) => e,
      );
      assert.equal(err.code, grpc.status.NOT_FOUND);
      assert.match(err.details, /task_id/);
    });
  });
});
