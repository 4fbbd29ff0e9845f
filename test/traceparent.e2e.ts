import assert from 'node:assert/strict';
import * as grpc from '@grpc/grpc-js';
import { call } from '../client/client';
import { FakeAgent } from './helpers/fake-agent';
import { startAgentProcess, waitForState } from './helpers/agent-process';
import { runCli } from './helpers/processes';
import { describeOnEachStore, eventually, expectStatus, type TestServer } from './helpers/server';
import { traceIdOf } from '../common/trace-context';

const TRACE = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
const OTHER_SPAN = '00-0af7651916cd43dd8448eb211c80319c-00f067aa0ba902b7-01';

function withTrace(...values: string[]): grpc.Metadata {
  const metadata = new grpc.Metadata();
  for (const value of values) metadata.add('traceparent', value);
  return metadata;
}

async function taskCount(t: TestServer): Promise<number> {
  const [{ n }] = await t.server.db.knex('tasks').count({ n: '*' });
  return Number(n);
}

describeOnEachStore('trace context from caller to agent', (ctx) => {
  const credentials = new Map<string, string>();
  before(async () => {
    for (const [id, labels] of [['trace-1', { fleet: 'trace' }], ['trace-2', { fleet: 'trace' }], ['trace-3', {}]] as const) {
      credentials.set(id, (await call(ctx().clients.consumers, 'registerConsumer', { consumerId: id, labels })).credential);
    }
  });

  it('stores the traceparent of CreateTask with the task and sends it in the TaskRequest', async () => {
    const { task } = await call(ctx().clients.tasks, 'createTask', { consumerId: 'trace-1', method: 'testing.echo' }, {}, withTrace(TRACE));
    assert.equal(task!.traceparent, TRACE);
    assert.equal((await call(ctx().clients.tasks, 'getTask', { taskId: task!.id })).task!.traceparent, TRACE);
    const agent = new FakeAgent(ctx().address, 'trace-1', credentials.get('trace-1')!);
    try {
      const request = await agent.taskRequest();
      assert.equal(request.taskId, task!.id);
      assert.equal(request.traceparent, TRACE);
      agent.send({ reply: { taskId: task!.id, resultJson: '{}' } });
      await agent.next('reply ack', (m) => m.replyAck?.taskId === task!.id);
    } finally {
      agent.close();
    }
  });

  it('leaves it empty when the caller sends none', async () => {
    const { task } = await call(ctx().clients.tasks, 'createTask', { consumerId: 'trace-3', method: 'testing.echo' });
    assert.equal(task!.traceparent, '');
    const agent = new FakeAgent(ctx().address, 'trace-3', credentials.get('trace-3')!);
    try {
      assert.equal((await agent.taskRequest()).traceparent, '');
    } finally {
      agent.close();
    }
  });

  it('refuses a malformed or repeated traceparent with INVALID_ARGUMENT naming it, and writes nothing', async () => {
    const before = await taskCount(ctx());
    const malformed = await expectStatus(call(ctx().clients.tasks, 'createTask', { consumerId: 'trace-3', method: 'testing.echo' }, {}, withTrace('00-xyz-01')), grpc.status.INVALID_ARGUMENT);
    assert.match(malformed.details, /^traceparent: "00-xyz-01" is not a W3C traceparent: it is not of the form version-traceid-parentid-flags/);
    const twice = await expectStatus(call(ctx().clients.tasks, 'createTask', { consumerId: 'trace-3', method: 'testing.echo' }, {}, withTrace(TRACE, OTHER_SPAN)), grpc.status.INVALID_ARGUMENT);
    assert.match(twice.details, /^traceparent: was sent 2 times/);
    const batch = await expectStatus(
      call(ctx().clients.tasks, 'batchCreateTasks', { requests: [{ consumerId: 'trace-3', method: 'testing.echo' }] }, {}, withTrace(TRACE.toUpperCase())),
      grpc.status.INVALID_ARGUMENT,
    );
    assert.match(batch.details, /^traceparent: /, 'the metadata of the call, not a field of one request');
    const group = await expectStatus(
      call(ctx().clients.tasks, 'createTaskGroup', { consumerSelector: ['fleet=trace'], template: { method: 'testing.echo' } }, {}, withTrace('ff-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01')),
      grpc.status.INVALID_ARGUMENT,
    );
    assert.match(group.details, /^traceparent: .*version ff/);
    assert.equal(await taskCount(ctx()), before);
  });

  it('gives every task of BatchCreateTasks and CreateTaskGroup the call\'s traceparent', async () => {
    const { tasks } = await call(
      ctx().clients.tasks,
      'batchCreateTasks',
      { requests: [{ consumerId: 'trace-3', method: 'testing.echo' }, { consumerId: 'trace-3', method: 'testing.echo', idempotencyKey: 'trace-batch' }] },
      {},
      withTrace(TRACE),
    );
    assert.deepEqual(tasks.map((t) => t.traceparent), [TRACE, TRACE]);
    const group = await call(ctx().clients.tasks, 'createTaskGroup', { consumerSelector: ['fleet=trace'], template: { method: 'testing.echo' } }, {}, withTrace(TRACE));
    assert.equal(group.tasks.length, 2);
    const listed = await call(ctx().clients.tasks, 'listTasks', { groupId: group.groupId });
    assert.deepEqual(listed.tasks.map((t) => t.traceparent), [TRACE, TRACE]);
  });

  it('answers an idempotent retry from a new span with the first task: the trace is not part of the request', async () => {
    const request = { consumerId: 'trace-3', method: 'testing.echo', idempotencyKey: 'trace-retry' };
    const first = (await call(ctx().clients.tasks, 'createTask', request, {}, withTrace(TRACE))).task!;
    const retry = (await call(ctx().clients.tasks, 'createTask', request, {}, withTrace(OTHER_SPAN))).task!;
    assert.equal(retry.id, first.id);
    assert.equal(retry.traceparent, TRACE);
  });

  it("starts one new trace per schedule fire, shared by the fire's tasks", async () => {
    const { schedule } = await call(ctx().clients.schedules, 'createSchedule', {
      spec: { cron: '* * * * * *', timeZone: 'UTC', taskTemplate: { method: 'testing.echo' }, target: { consumerSelector: ['fleet=trace'] }, overlapPolicy: 'SCHEDULE_OVERLAP_POLICY_ALLOW' },
    });
    try {
      const groups = await eventually('two fires of the schedule', async () => {
        const { tasks } = await call(ctx().clients.tasks, 'listTasks', { scheduleId: schedule!.id, pageSize: 100 });
        const byGroup = new Map<string, string[]>();
        for (const t of tasks) byGroup.set(t.groupId, [...(byGroup.get(t.groupId) ?? []), t.traceparent]);
        const complete = [...byGroup.values()].filter((traces) => traces.length === 2);
        return complete.length >= 2 && complete;
      });
      for (const traces of groups) {
        assert.match(traces[0], /^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
        assert.equal(traces[1], traces[0], 'the tasks of one fire share its trace');
      }
      assert.notEqual(traceIdOf(groups[0][0]), traceIdOf(groups[1][0]), 'each fire is a trace of its own');
    } finally {
      await call(ctx().clients.schedules, 'deleteSchedule', { scheduleId: schedule!.id });
    }
  });

  it('is sent by `taskplane task create --traceparent`, or from TRACEPARENT in the environment', async () => {
    const token = { TASKPLANE_TOKEN: ctx().token };
    const flag = await runCli(['task', 'create', '--server', ctx().address, '--consumer', 'trace-3', '--method', 'testing.echo', '--traceparent', TRACE, '--output', 'json'], token);
    assert.equal(flag.code, 0, flag.stderr);
    assert.equal(JSON.parse(flag.stdout).task.traceparent, TRACE);
    const env = await runCli(['task', 'create', '--server', ctx().address, '--consumer', 'trace-3', '--method', 'testing.echo', '--output', 'json'], { ...token, TRACEPARENT: OTHER_SPAN });
    assert.equal(env.code, 0, env.stderr);
    const taskId = JSON.parse(env.stdout).task.id;
    const shown = await runCli(['task', 'get', taskId, '--server', ctx().address], token);
    assert.match(shown.stdout, new RegExp(`^traceparent: +${OTHER_SPAN}$`, 'm'));
    const bad = await runCli(['task', 'create', '--server', ctx().address, '--consumer', 'trace-3', '--method', 'testing.echo', '--traceparent', 'nope'], token);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /INVALID_ARGUMENT: traceparent: "nope" is not a W3C traceparent/);
  });

  it("hands it to the agent's plugin (a real agent process)", async function () {
    this.timeout(30_000);
    const { task } = await call(ctx().clients.tasks, 'createTask', { consumerId: 'trace-2', method: 'testing.trace' }, {}, withTrace(TRACE));
    const agent = await startAgentProcess(ctx().address, 'trace-2', credentials.get('trace-2')!);
    try {
      await waitForState(ctx().clients, task!.id, ['TASK_STATE_SUCCEEDED', 'TASK_STATE_FAILED']);
      const done = (await call(ctx().clients.tasks, 'getTask', { taskId: task!.id })).task!;
      assert.equal(done.state, 'TASK_STATE_SUCCEEDED', done.error?.message);
      assert.deepEqual(JSON.parse(done.resultJson), { traceparent: TRACE });
      assert.match(agent.output(), new RegExp(`"event":"task.started".*"traceId":"${traceIdOf(TRACE)}"`));
    } finally {
      await agent.stop();
    }
  });
});
