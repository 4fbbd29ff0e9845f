import assert from 'node:assert/strict';
import * as grpc from '@grpc/grpc-js';
import { call, connect, type TaskplaneClients } from '../client/client';
import { TaskCreator } from '../client/task-creator';
import { FakeAgent } from './helpers/fake-agent';
import { describeOnEachStore, eventually, expectStatus, type TestServer } from './helpers/server';

/** Clients that count the calls they make, by method name. */
function countingClients(t: TestServer): { clients: TaskplaneClients; calls: Map<string, number> } {
  const calls = new Map<string, number>();
  const counter: grpc.Interceptor = (options, nextCall) => {
    const method = options.method_definition.path.split('/').pop()!;
    calls.set(method, (calls.get(method) ?? 0) + 1);
    return new grpc.InterceptingCall(nextCall(options));
  };
  return { clients: connect(t.address, { token: t.token, channelOptions: { 'grpc.use_local_subchannel_pool': 1 }, interceptors: [counter] }), calls };
}

async function register(t: TestServer, consumerId: string): Promise<string> {
  return (await call(t.clients.consumers, 'registerConsumer', { consumerId })).credential;
}

async function tasksOf(t: TestServer, consumerId: string): Promise<string[]> {
  return (await call(t.clients.tasks, 'listTasks', { consumerId, pageSize: 1000 })).tasks.map((task) => task.id);
}

describeOnEachStore('TaskCreator: creates asked for together travel together', (ctx) => {
  let clients: TaskplaneClients;
  let calls: Map<string, number>;
  beforeEach(() => ({ clients, calls } = countingClients(ctx())));
  afterEach(() => clients.close());

  it('sends the creates of one turn as one BatchCreateTasks call, and answers each with its own task', async () => {
    await register(ctx(), 'creator-a');
    await register(ctx(), 'creator-b');
    const creator = new TaskCreator(clients.tasks);
    const targets = Array.from({ length: 40 }, (_, i) => (i % 2 === 0 ? 'creator-a' : 'creator-b'));
    const tasks = await Promise.all(targets.map((consumerId, i) => creator.create({ consumerId, method: 'testing.echo', argumentsJson: JSON.stringify({ i }) })));

    assert.deepEqual(Object.fromEntries(calls), { BatchCreateTasks: 1 });
    assert.deepEqual(tasks.map((t) => t.consumerId), targets);
    assert.deepEqual(tasks.map((t) => JSON.parse(t.argumentsJson).i), targets.map((_, i) => i));
    assert.equal(new Set(tasks.map((t) => t.id)).size, 40);
    assert.equal((await tasksOf(ctx(), 'creator-a')).length, 20);
  });

  it('sends a lone create as CreateTask', async () => {
    await register(ctx(), 'creator-lone');
    const task = await new TaskCreator(clients.tasks).create({ consumerId: 'creator-lone', method: 'testing.echo', argumentsJson: '{}' });
    assert.equal(task.consumerId, 'creator-lone');
    assert.deepEqual(Object.fromEntries(calls), { CreateTask: 1 });
  });

  it('gives a bad request its own error and still creates the others of its turn, once each', async () => {
    await register(ctx(), 'creator-good');
    const creator = new TaskCreator(clients.tasks);
    const outcomes = await Promise.allSettled([
      creator.create({ consumerId: 'creator-good', method: 'testing.echo', argumentsJson: '{"n":1}' }),
      creator.create({ consumerId: 'creator-nobody', method: 'testing.echo', argumentsJson: '{}' }),
      creator.create({ consumerId: 'creator-good', method: 'not a method', argumentsJson: '{}' }),
      creator.create({ consumerId: 'creator-good', method: 'testing.echo', argumentsJson: '{"n":2}' }),
    ]);
    assert.deepEqual(outcomes.map((o) => o.status), ['fulfilled', 'rejected', 'rejected', 'fulfilled']);
    await expectStatus(Promise.reject((outcomes[1] as PromiseRejectedResult).reason), grpc.status.NOT_FOUND);
    const badMethod = await expectStatus(Promise.reject((outcomes[2] as PromiseRejectedResult).reason), grpc.status.INVALID_ARGUMENT);
    assert.match(badMethod.details, /^method: /, 'the error names the field as a single CreateTask would, not the batch entry');
    assert.equal((await tasksOf(ctx(), 'creator-good')).length, 2);
  });

  it('answers two creates of one turn with the same idempotency key with the one task', async () => {
    await register(ctx(), 'creator-keyed');
    const creator = new TaskCreator(clients.tasks);
    const request = { consumerId: 'creator-keyed', method: 'testing.echo', argumentsJson: '{}', idempotencyKey: 'same-turn' };
    const [first, second] = await Promise.all([creator.create(request), creator.create(request)]);
    assert.equal(first.id, second.id);
    assert.deepEqual(await tasksOf(ctx(), 'creator-keyed'), [first.id]);
  });

  it('hands the tasks of a batch straight to a connected agent with free slots, oldest first', async () => {
    const credential = await register(ctx(), 'creator-agent');
    const agent = new FakeAgent(ctx().address, 'creator-agent', credential, { concurrency: 2 });
    try {
      await agent.next('welcome', (m) => Boolean(m.welcome));
      // A first task through the claim path: once it is settled the server knows nothing waits for this consumer.
      const first = (await call(clients.tasks, 'createTask', { consumerId: 'creator-agent', method: 'testing.echo', argumentsJson: '{}' })).task!;
      assert.equal((await agent.taskRequest()).taskId, first.id);
      agent.send({ reply: { taskId: first.id, resultJson: '{}' } });
      await eventually('the first task settled', async () => (await call(clients.tasks, 'getTask', { taskId: first.id })).task!.state === 'TASK_STATE_SUCCEEDED');

      const { tasks } = await call(clients.tasks, 'batchCreateTasks', {
        requests: [1, 2, 3].map((n) => ({ consumerId: 'creator-agent', method: 'testing.echo', argumentsJson: JSON.stringify({ n }) })),
      });
      // Dispatched in the creating transaction: no claim round trip, and the third waits for a free slot.
      assert.deepEqual(tasks.map((t) => t.state), ['TASK_STATE_DISPATCHED', 'TASK_STATE_DISPATCHED', 'TASK_STATE_WAITING']);
      const sent = [await agent.taskRequest(), await agent.taskRequest()];
      assert.deepEqual(sent.map((r) => r.taskId), [tasks[0].id, tasks[1].id]);
    } finally {
      agent.close();
    }
  });
});
