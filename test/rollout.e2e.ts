import assert from 'node:assert/strict';
import * as grpc from '@grpc/grpc-js';
import { call } from '../client/client';
import { startAgentProcess, type AgentProcess } from './helpers/agent-process';
import { runCli } from './helpers/processes';
import { describeOnEachStore, eventually, expectStatus, type TestServer } from './helpers/server';
import type { TaskGroup__Output } from '../protos/generated/taskplane/v1/TaskGroup';
import type { Task__Output } from '../protos/generated/taskplane/v1/Task';
import type { TaskGroupEvent__Output } from '../protos/generated/taskplane/v1/TaskGroupEvent';
import type { WatchTaskGroupResponse__Output } from '../protos/generated/taskplane/v1/WatchTaskGroupResponse';

/**
 * Rollouts with a fleet of real agents: ten hosts, of which web-02 and
 * web-03 fail `testing.host_check` on purpose. Ordered by id, a canary of 1
 * and waves of 3 make the waves [web-00], [web-01..03], [web-04..06],
 * [web-07..09]: the second wave fails 2 of 3, which passes 30% of what has
 * settled (2 of 4), so the group pauses there, and only there.
 */
const FLEET = Array.from({ length: 10 }, (_, i) => `web-${String(i).padStart(2, '0')}`);
const BROKEN = new Set(['web-02', 'web-03']);
const POLICY = { canaryCount: 1, waveSize: 3, wavePercent: 0, maxFailurePercent: 30 };
const TEMPLATE = { method: 'testing.host_check', argumentsJson: '{}' };

describeOnEachStore('rollouts', (ctx) => {
  const agents: AgentProcess[] = [];

  before(async function () {
    this.timeout(120_000);
    const t = ctx();
    const credentials: string[] = [];
    for (const id of FLEET) credentials.push((await call(t.clients.consumers, 'registerConsumer', { consumerId: id, labels: { role: 'web' } })).credential);
    // A few at a time: ten node processes starting at once on a small machine take longer than the start deadline.
    for (let i = 0; i < FLEET.length; i += 3) {
      const batch = FLEET.slice(i, i + 3);
      agents.push(...(await Promise.all(batch.map((id, j) => startAgentProcess(t.address, id, credentials[i + j], undefined, [], { env: { TASKPLANE_TEST_HOST_BROKEN: BROKEN.has(id) ? '1' : '0' } })))));
    }
  });

  after(async function () {
    this.timeout(60_000);
    await Promise.all(agents.splice(0).map((a) => a.stop()));
  });

  const getGroup = async (groupId: string): Promise<TaskGroup__Output> => (await call(ctx().clients.tasks, 'getTaskGroup', { groupId })).group!;
  const groupInState = (groupId: string, state: string) => eventually(`group ${groupId} ${state}`, async () => ((await getGroup(groupId)).state === `TASK_GROUP_STATE_${state}` ? getGroup(groupId) : null), 30_000, 50);
  const tasksOf = async (groupId: string): Promise<Map<string, Task__Output>> => {
    const { tasks } = await call(ctx().clients.tasks, 'listTasks', { groupId, pageSize: 100 });
    return new Map(tasks.map((t) => [t.consumerId, t]));
  };
  /** The group's own events, read through WatchTaskGroup until it ends. */
  const groupEventsOf = async (groupId: string): Promise<TaskGroupEvent__Output[]> => {
    const events: TaskGroupEvent__Output[] = [];
    for await (const response of ctx().clients.tasks.watchTaskGroup({ groupId, afterEventId: '0' }) as AsyncIterable<WatchTaskGroupResponse__Output>) {
      if (response.groupEvent) events.push(response.groupEvent);
    }
    return events;
  };
  const startRollout = async () => call(ctx().clients.tasks, 'createTaskGroup', { consumerSelector: ['role=web'], template: TEMPLATE, rollout: POLICY });

  it('holds every task but the canary until its wave starts', async () => {
    const { groupId, tasks } = await startRollout();
    assert.equal(tasks.length, 10);
    const byConsumer = new Map(tasks.map((t) => [t.consumerId, t]));
    assert.notEqual(byConsumer.get('web-00')!.state, 'TASK_STATE_SCHEDULED');
    for (const id of FLEET.slice(1)) {
      assert.equal(byConsumer.get(id)!.state, 'TASK_STATE_SCHEDULED', `${id} is held`);
      assert.equal(byConsumer.get(id)!.notBeforeTime, null, `${id} has no not_before: it waits for its wave, not for a time`);
    }
    await groupInState(groupId, 'PAUSED');
    await call(ctx().clients.tasks, 'abortTaskGroup', { groupId, reason: 'test over' });
  });

  it('pauses at the failure threshold, starts no wave while paused, and completes once resumed', async function () {
    this.timeout(90_000);
    const { groupId } = await startRollout();
    const paused = await groupInState(groupId, 'PAUSED');
    assert.match(paused.pauseReason, /^\d+ of \d+ settled tasks failed \(\d+%\), at or above max_failure_percent 30%$/);
    assert.equal(paused.currentWave, 1, 'paused in the second wave');
    assert.equal(paused.waveCount, 4);
    // Let the paused wave end: still PAUSED, and the later waves still held.
    const secondWave = ['web-01', 'web-02', 'web-03'];
    await eventually('the second wave to end', async () => {
      const tasks = await tasksOf(groupId);
      return secondWave.every((id) => ['TASK_STATE_SUCCEEDED', 'TASK_STATE_FAILED'].includes(tasks.get(id)!.state));
    }, 30_000, 50);
    const stillPaused = await getGroup(groupId);
    assert.equal(stillPaused.state, 'TASK_GROUP_STATE_PAUSED');
    assert.equal(stillPaused.pauseReason, paused.pauseReason, 'the reason stays the one it paused for');
    assert.equal(stillPaused.held, 6);
    const held = await tasksOf(groupId);
    for (const id of FLEET.slice(4)) assert.equal(held.get(id)!.state, 'TASK_STATE_SCHEDULED', `${id} waits while the group is paused`);

    const resumed = (await call(ctx().clients.tasks, 'resumeTaskGroup', { groupId })).group!;
    assert.notEqual(resumed.state, 'TASK_GROUP_STATE_PAUSED');
    const done = await groupInState(groupId, 'COMPLETED');
    // After the resume, 2 of 7 (29%) is under 30%: the third wave's end lets the fourth start.
    assert.deepEqual([done.succeeded, done.failed, done.canceled, done.held], [8, 2, 0, 0]);
    const final = await tasksOf(groupId);
    for (const id of FLEET) assert.equal(final.get(id)!.state, BROKEN.has(id) ? 'TASK_STATE_FAILED' : 'TASK_STATE_SUCCEEDED', id);

    const events = await groupEventsOf(groupId);
    assert.deepEqual(
      events.map((e) => `${e.type.replace('TASK_GROUP_EVENT_TYPE_', '')} ${e.wave}`),
      ['WAVE_STARTED 0', 'WAVE_STARTED 1', 'PAUSED 1', 'RESUMED 1', 'WAVE_STARTED 2', 'WAVE_STARTED 3', 'COMPLETED 3'],
    );
    assert.match(events[0].cause, /^wave 1 of 4 \(canary\): 1 host$/);
    assert.equal(events[2].cause, paused.pauseReason);
  });

  it('abort cancels what has not started and ends the rollout', async function () {
    this.timeout(60_000);
    const { groupId } = await startRollout();
    await groupInState(groupId, 'PAUSED');
    const aborted = (await call(ctx().clients.tasks, 'abortTaskGroup', { groupId, reason: 'hosts broken' })).group!;
    assert.equal(aborted.state, 'TASK_GROUP_STATE_ABORTED');
    const tasks = await tasksOf(groupId);
    for (const id of FLEET.slice(4)) {
      assert.equal(tasks.get(id)!.state, 'TASK_STATE_CANCELED', `${id} never started`);
      assert.equal(tasks.get(id)!.error?.message, 'rollout aborted: hosts broken');
    }
    // The watch ends: nothing is left to come.
    const events = await groupEventsOf(groupId);
    assert.equal(events.at(-1)!.type, 'TASK_GROUP_EVENT_TYPE_ABORTED');
    const again = await expectStatus(call(ctx().clients.tasks, 'resumeTaskGroup', { groupId }), grpc.status.FAILED_PRECONDITION);
    assert.match(again.details, /is ABORTED; only a PAUSED rollout can be resumed/);
    await expectStatus(call(ctx().clients.tasks, 'abortTaskGroup', { groupId }), grpc.status.FAILED_PRECONDITION);
  });

  it("a schedule's fire creates a rolled-out group, which pauses as a fan-out does", async function () {
    this.timeout(60_000);
    const spec = {
      cron: '* * * * * *',
      timeZone: 'UTC',
      taskTemplate: TEMPLATE,
      target: { consumerSelector: ['role=web'], rollout: POLICY },
      overlapPolicy: 'SCHEDULE_OVERLAP_POLICY_SKIP' as const,
    };
    const { schedule } = await call(ctx().clients.schedules, 'createSchedule', { spec });
    assert.deepEqual(schedule!.spec!.target!.rollout, POLICY);
    const first = await eventually('the first fire', async () => (await call(ctx().clients.tasks, 'listTasks', { scheduleId: schedule!.id, pageSize: 1 })).tasks[0], 10_000, 50);
    await call(ctx().clients.schedules, 'pauseSchedule', { scheduleId: schedule!.id });
    const paused = await groupInState(first.groupId, 'PAUSED');
    assert.equal(paused.waveCount, 4);
    assert.equal(paused.held, 6);
    await call(ctx().clients.tasks, 'abortTaskGroup', { groupId: first.groupId });
    await call(ctx().clients.schedules, 'deleteSchedule', { scheduleId: schedule!.id });
    const bad = await expectStatus(call(ctx().clients.schedules, 'createSchedule', { spec: { ...spec, target: { consumerId: 'web-00', rollout: POLICY } } }), grpc.status.INVALID_ARGUMENT);
    assert.match(bad.details, /^spec\.target\.rollout: needs consumer_selector or consumer_id_pattern/);
  });

  it('refuses a policy that makes no waves, naming the field', async () => {
    const cases: Array<[Record<string, number>, RegExp]> = [
      [{ canaryCount: 0, waveSize: 0, wavePercent: 0 }, /^rollout: set canary_count, wave_size or wave_percent/],
      [{ waveSize: 2, wavePercent: 50 }, /^rollout\.wave_size: give wave_size or wave_percent, not both/],
      [{ wavePercent: 101 }, /^rollout\.wave_percent: must be at most 100/],
      [{ canaryCount: -1 }, /^rollout\.canary_count: must be zero or a positive whole number/],
    ];
    for (const [rollout, message] of cases) {
      const err = await expectStatus(call(ctx().clients.tasks, 'createTaskGroup', { consumerSelector: ['role=web'], template: TEMPLATE, rollout }), grpc.status.INVALID_ARGUMENT);
      assert.match(err.details, message);
    }
  });

  it('the CLI starts a canary rollout, watch-group shows its waves and pause, and group resume continues it', async function () {
    this.timeout(90_000);
    const t: TestServer = ctx();
    const env = { TASKPLANE_SERVER: t.address, TASKPLANE_TOKEN: t.token };
    const created = await runCli(['task', 'create', '--selector', 'role=web', '--method', 'testing.host_check', '--canary', '1', '--wave', '3', '--max-failures', '30%', '--output', 'json'], env);
    assert.equal(created.code, 0, created.stderr);
    const { groupId } = JSON.parse(created.stdout);
    await groupInState(groupId, 'PAUSED');
    const shown = await runCli(['task', 'group', 'get', groupId], env);
    assert.equal(shown.code, 0, shown.stderr);
    assert.match(shown.stdout, /state:\s+PAUSED/);
    assert.match(shown.stdout, /paused because:\s+\d+ of \d+ settled tasks failed/);
    assert.match(shown.stdout, /rollout:\s+canary 1, waves of 3, pause at 30% failed/);
    const resumed = await runCli(['task', 'group', 'resume', groupId], env);
    assert.equal(resumed.code, 0, resumed.stderr);
    const watched = await runCli(['task', 'watch-group', groupId], env, 60_000);
    // Two hosts failed: the watch says so with its exit code.
    assert.equal(watched.code, 8, watched.stderr);
    for (const line of [/group {2}event \d+ {2}wave started {2}\(wave 1 of 4 \(canary\): 1 host\)/, /group {2}event \d+ {2}paused {2}\(\d+ of \d+ settled tasks failed/, /group {2}event \d+ {2}resumed/, /group {2}event \d+ {2}completed/, /group \S+: 10 tasks: .* \(rollout COMPLETED\)$/m]) {
      assert.match(watched.stdout, line);
    }
    const again = await runCli(['task', 'group', 'resume', groupId], env);
    assert.equal(again.code, 4);
    assert.match(again.stderr, /FAILED_PRECONDITION: task group \S+ is COMPLETED; only a PAUSED rollout can be resumed/);
  });
});
