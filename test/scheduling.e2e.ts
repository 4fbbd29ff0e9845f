import assert from 'node:assert/strict';
import * as grpc from '@grpc/grpc-js';
import { call, type TaskplaneClients } from '../client/client';
import { FakeClock } from './helpers/fake-clock';
import { describeOnEachStore, eventually, expectStatus, startServerOn, type TestServer } from './helpers/server';
import { createTestStore, STORE_KINDS, type TestStore } from './helpers/stores';
import { waitForState } from './helpers/agent-process';
import type { ScheduleSpec } from '../protos/generated/taskplane/v1/ScheduleSpec';
import type { TaskEvent__Output } from '../protos/generated/taskplane/v1/TaskEvent';

const HOUR = 3600_000;
const DAY = 24 * HOUR;
const ts = (ms: number) => ({ seconds: String(Math.floor(ms / 1000)), nanos: (ms % 1000) * 1e6 });
const ms = (t: { seconds: string | number; nanos: number } | null | undefined) => (t ? Number(t.seconds) * 1000 + Math.floor(t.nanos / 1e6) : null);
const iso = (t: Parameters<typeof ms>[0]) => new Date(ms(t)!).toISOString();

function nightly(target: object, extra: Partial<ScheduleSpec> = {}): ScheduleSpec {
  return {
    cron: '0 2 * * *',
    timeZone: 'Europe/Berlin',
    taskTemplate: { method: 'packages.update', argumentsJson: '{"dry_run":true}', labels: { from: 'nightly' } },
    target,
    windowDuration: { seconds: String(2 * 3600) },
    ...extra,
  };
}

async function tasksOfSchedule(clients: TaskplaneClients, scheduleId: string) {
  return (await call(clients.tasks, 'listTasks', { scheduleId, pageSize: 1000 })).tasks.reverse();
}

/** Schedules and times, on a clock the tests move: the scheduler passes are driven by hand. */
describe('scheduling', () => {
  const clock = new FakeClock(Date.parse('2026-03-20T12:00:00Z'));

  describeOnEachStore(
    'with a moved clock',
    (ctx) => {
      const tick = () => ctx().server.scheduler.tick();
      let n = 0;
      async function consumer(labels: Record<string, string> = {}) {
        const id = `sched-${++n}`;
        await call(ctx().clients.consumers, 'registerConsumer', { consumerId: id, labels });
        return id;
      }
      async function schedule(spec: ScheduleSpec, paused = false) {
        return (await call(ctx().clients.schedules, 'createSchedule', { spec, paused })).schedule!;
      }

      describe('one-shot times and windows', () => {
        it('keeps a task SCHEDULED until its not_before, then makes it WAITING', async () => {
          const id = await consumer();
          const due = clock.now() + 10 * 60_000;
          const { task } = await call(ctx().clients.tasks, 'createTask', { consumerId: id, method: 'system.info', notBeforeTime: ts(due) });
          assert.equal(task!.state, 'TASK_STATE_SCHEDULED');
          clock.advance(9 * 60_000);
          await tick();
          assert.equal((await call(ctx().clients.tasks, 'getTask', { taskId: task!.id })).task!.state, 'TASK_STATE_SCHEDULED');
          clock.advance(2 * 60_000);
          await tick();
          const after = (await call(ctx().clients.tasks, 'getTask', { taskId: task!.id })).task!;
          assert.equal(after.state, 'TASK_STATE_WAITING');
          const events = await ctx().server.db.knex('task_events').where({ task_id: task!.id }).orderBy('id');
          assert.equal(events[events.length - 1].cause, 'due: not_before reached');
        });

        it('ends a task whose window closed before it started EXPIRED, and records the miss in history', async () => {
          const id = await consumer();
          const start = clock.now() + HOUR;
          const { task } = await call(ctx().clients.tasks, 'createTask', { consumerId: id, method: 'system.reboot', notBeforeTime: ts(start), notAfterTime: ts(start + HOUR) });
          clock.advance(3 * HOUR); // the agent never came
          await tick();
          const done = (await call(ctx().clients.tasks, 'getTask', { taskId: task!.id })).task!;
          assert.equal(done.state, 'TASK_STATE_EXPIRED');
          assert.equal(done.error!.type, 'WindowClosed');
          const { events } = await call(ctx().clients.consumers, 'listConsumerHistory', { consumerId: id, types: ['window_missed'] });
          assert.equal(events.length, 1);
          assert.equal(events[0].taskId, task!.id);
          assert.equal(JSON.parse(events[0].detailsJson).not_after_time, new Date(start + HOUR).toISOString());
        });
      });

      describe('recurring schedules', () => {
        it('previews the next fires in the zone and in UTC, with their windows', async () => {
          const id = await consumer();
          const { fires, timeZone } = await call(ctx().clients.schedules, 'previewSchedule', {
            spec: nightly({ consumerId: id }),
            count: 3,
            afterTime: ts(Date.parse('2026-03-27T12:00:00Z')),
          });
          assert.equal(timeZone, 'Europe/Berlin');
          assert.deepEqual(fires.map((f) => f.fireTimeLocal), ['2026-03-28T02:00:00+01:00', '2026-03-29T03:00:00+02:00', '2026-03-30T02:00:00+02:00']);
          assert.deepEqual(fires.map((f) => iso(f.fireTime)), ['2026-03-28T01:00:00.000Z', '2026-03-29T01:00:00.000Z', '2026-03-30T00:00:00.000Z']);
          assert.equal(fires[0].windowEndTimeLocal, '2026-03-28T04:00:00+01:00');
        });

        it('creates one task per fire, with the fire window, exactly once however often the scheduler passes', async () => {
          clock.set('2026-04-01T20:00:00Z');
          const id = await consumer();
          const s = await schedule(nightly({ consumerId: id }));
          assert.equal(iso(s.nextFireTime), '2026-04-02T00:00:00.000Z'); // 02:00 CEST
          clock.set('2026-04-02T00:00:00.500Z');
          await Promise.all([tick(), tick(), tick()]);
          await tick();
          const tasks = await tasksOfSchedule(ctx().clients, s.id);
          assert.equal(tasks.length, 1);
          assert.equal(iso(tasks[0].notBeforeTime), '2026-04-02T00:00:00.000Z');
          assert.equal(iso(tasks[0].notAfterTime), '2026-04-02T02:00:00.000Z');
          assert.equal(iso(tasks[0].fireTime), '2026-04-02T00:00:00.000Z');
          assert.ok(tasks[0].groupId);
          assert.deepEqual(tasks[0].labels, { from: 'nightly' });
          const after = (await call(ctx().clients.schedules, 'getSchedule', { scheduleId: s.id })).schedule!;
          assert.equal(iso(after.nextFireTime), '2026-04-03T00:00:00.000Z');
          assert.equal(iso(after.lastFireTime), '2026-04-02T00:00:00.000Z');
        });

        it('skips a fire while the previous one is unfinished (overlap SKIP) and records it; ALLOW fires anyway', async () => {
          clock.set('2026-04-10T20:00:00Z');
          const id = await consumer();
          const skip = await schedule(nightly({ consumerId: id }, { windowDuration: null }));
          const allow = await schedule(nightly({ consumerId: id }, { windowDuration: null, overlapPolicy: 'SCHEDULE_OVERLAP_POLICY_ALLOW' }));
          for (const day of ['2026-04-11', '2026-04-12']) {
            clock.set(`${day}T00:00:01Z`);
            await tick();
          }
          assert.equal((await tasksOfSchedule(ctx().clients, skip.id)).length, 1, 'the first task never ran, so the second night was skipped');
          assert.equal((await tasksOfSchedule(ctx().clients, allow.id)).length, 2);
          const fires = await ctx().server.db.knex('schedule_fires').where({ schedule_id: skip.id }).orderBy('fire_time');
          assert.deepEqual(fires.map((f) => f.outcome), ['created', 'skipped_overlap']);
        });

        const MAY_1 = '2026-05-01T00:00:00.000Z';
        const MAY_2 = '2026-05-02T00:00:00.000Z';
        const MAY_3 = '2026-05-03T00:00:00.000Z';
        for (const [policy, expectRun, expectMissed, expectMissedFires] of [
          ['SCHEDULE_CATCH_UP_POLICY_SKIP', [], 3, [MAY_1, MAY_2, MAY_3]],
          ['SCHEDULE_CATCH_UP_POLICY_LATEST', [MAY_3], 2, [MAY_1, MAY_2]],
          ['SCHEDULE_CATCH_UP_POLICY_ALL', [MAY_2, MAY_3], 1, [MAY_1]],
        ] as const) {
          it(`after three days with no server, follows catch-up policy ${policy.replace('SCHEDULE_CATCH_UP_POLICY_', '')}`, async () => {
            clock.set('2026-04-30T12:00:00Z');
            const id = await consumer();
            const s = await schedule(
              nightly({ consumerId: id }, { windowDuration: null, overlapPolicy: 'SCHEDULE_OVERLAP_POLICY_ALLOW', catchUpPolicy: policy, catchUpWindowDuration: { seconds: String(2 * 86400) } }),
            );
            clock.set('2026-05-03T10:00:00Z'); // fires of May 1, 2 and 3 at 02:00 CEST were missed
            await tick();
            const tasks = await tasksOfSchedule(ctx().clients, s.id);
            assert.deepEqual(tasks.map((t) => iso(t.fireTime)), expectRun);
            const after = (await call(ctx().clients.schedules, 'getSchedule', { scheduleId: s.id })).schedule!;
            assert.equal(after.missedFireCount, expectMissed);
            assert.equal(iso(after.nextFireTime), '2026-05-04T00:00:00.000Z');
            // Each fire is recorded with its outcome, the missed ones too (the console lists them).
            const fires = await ctx().server.db.knex('schedule_fires').where({ schedule_id: s.id }).orderBy('fire_time');
            assert.deepEqual(
              fires.map((f) => [new Date(Number(f.fire_time)).toISOString(), f.outcome, Number(f.task_count)]),
              [...expectMissedFires.map((t) => [t, 'missed', 0]), ...expectRun.map((t) => [t, 'created', 1])].sort(([a], [b]) => String(a).localeCompare(String(b))),
            );
          });
        }

        it('fires once through a fall-back night and once through a spring-forward night (Europe/Berlin 02:30)', async () => {
          const id = await consumer();
          clock.set('2026-10-24T12:00:00Z');
          const fall = await schedule(nightly({ consumerId: id }, { cron: '30 2 * * *', windowDuration: null, overlapPolicy: 'SCHEDULE_OVERLAP_POLICY_ALLOW' }));
          for (let t = Date.parse('2026-10-24T22:00:00Z'); t <= Date.parse('2026-10-25T04:00:00Z'); t += 10 * 60_000) {
            clock.set(t);
            await tick();
          }
          assert.deepEqual((await tasksOfSchedule(ctx().clients, fall.id)).map((t) => iso(t.fireTime)), ['2026-10-25T00:30:00.000Z']);
          clock.set('2027-03-27T12:00:00Z');
          const spring = await schedule(nightly({ consumerId: id }, { cron: '30 2 * * *', windowDuration: null, overlapPolicy: 'SCHEDULE_OVERLAP_POLICY_ALLOW' }));
          for (let t = Date.parse('2027-03-27T22:00:00Z'); t <= Date.parse('2027-03-28T04:00:00Z'); t += 10 * 60_000) {
            clock.set(t);
            await tick();
          }
          assert.deepEqual((await tasksOfSchedule(ctx().clients, spring.id)).map((t) => iso(t.fireTime)), ['2027-03-28T01:00:00.000Z']);
        });

        it('fans a fire out to the consumers matching its selector at fire time; an empty selection is recorded and the schedule goes on', async () => {
          clock.set('2026-06-01T20:00:00Z');
          const b1 = await consumer({ role: 'build', fleet: 'f6' });
          const b2 = await consumer({ role: 'build', fleet: 'f6' });
          await consumer({ role: 'web', fleet: 'f6' });
          const s = await schedule(nightly({ consumerSelector: ['role=build', 'fleet=f6'] }, { overlapPolicy: 'SCHEDULE_OVERLAP_POLICY_ALLOW' }));
          const nobody = await schedule(nightly({ consumerSelector: ['role=nobody'] }));
          clock.set('2026-06-02T00:00:01Z');
          await tick();
          let tasks = await tasksOfSchedule(ctx().clients, s.id);
          assert.deepEqual(tasks.map((t) => t.consumerId).sort(), [b1, b2].sort());
          assert.equal(new Set(tasks.map((t) => t.groupId)).size, 1, 'one group per fire');
          await call(ctx().clients.consumers, 'deleteConsumer', { consumerId: b2 });
          clock.set('2026-06-03T00:00:01Z');
          await tick();
          tasks = await tasksOfSchedule(ctx().clients, s.id);
          assert.deepEqual(tasks.filter((t) => iso(t.fireTime).startsWith('2026-06-03')).map((t) => t.consumerId), [b1], 'no longer targets an unregistered consumer');
          const fires = await ctx().server.db.knex('schedule_fires').where({ schedule_id: nobody.id });
          assert.deepEqual(fires.map((f) => f.outcome), ['empty_selection', 'empty_selection']);
          const after = (await call(ctx().clients.schedules, 'getSchedule', { scheduleId: nobody.id })).schedule!;
          assert.equal(iso(after.nextFireTime), '2026-06-04T00:00:00.000Z');
        });

        it('does not fire while paused, and does not make up paused fires on resume', async () => {
          clock.set('2026-07-01T20:00:00Z');
          const id = await consumer();
          const s = await schedule(nightly({ consumerId: id }));
          await call(ctx().clients.schedules, 'pauseSchedule', { scheduleId: s.id });
          clock.set('2026-07-03T12:00:00Z');
          await tick();
          assert.equal((await tasksOfSchedule(ctx().clients, s.id)).length, 0);
          const resumed = (await call(ctx().clients.schedules, 'resumeSchedule', { scheduleId: s.id })).schedule!;
          assert.equal(iso(resumed.nextFireTime), '2026-07-04T00:00:00.000Z');
          await tick();
          assert.equal((await tasksOfSchedule(ctx().clients, s.id)).length, 0);
        });

        it('updates, lists and deletes schedules; an update that would make it invalid changes nothing', async () => {
          clock.set('2026-08-01T12:00:00Z');
          const id = await consumer();
          const s = await schedule(nightly({ consumerId: id }));
          const updated = (await call(ctx().clients.schedules, 'updateSchedule', { scheduleId: s.id, spec: nightly({ consumerId: id }, { cron: '0 4 * * *' }) })).schedule!;
          assert.equal(updated.spec!.cron, '0 4 * * *');
          assert.equal(iso(updated.nextFireTime), '2026-08-02T02:00:00.000Z');
          const before = await ctx().server.db.knex('schedules').where({ id: s.id }).first();
          const err = await expectStatus(call(ctx().clients.schedules, 'updateSchedule', { scheduleId: s.id, spec: nightly({ consumerId: id }, { timeZone: 'Europe/Atlantis' }) }), grpc.status.INVALID_ARGUMENT);
          assert.match(err.details, /^spec\.time_zone: /);
          assert.deepEqual(await ctx().server.db.knex('schedules').where({ id: s.id }).first(), before);
          const listed: string[] = [];
          let pageToken = '';
          do {
            const page = await call(ctx().clients.schedules, 'listSchedules', { pageSize: 2, pageToken });
            listed.push(...page.schedules.map((x) => x.id));
            pageToken = page.nextPageToken;
          } while (pageToken);
          assert.ok(listed.includes(s.id));
          assert.equal(new Set(listed).size, listed.length);
          await call(ctx().clients.schedules, 'deleteSchedule', { scheduleId: s.id });
          await expectStatus(call(ctx().clients.schedules, 'getSchedule', { scheduleId: s.id }), grpc.status.NOT_FOUND);
        });

        it('refuses bad schedules with INVALID_ARGUMENT naming the field, writing nothing', async () => {
          const id = await consumer();
          const count = async () => Number((await ctx().server.db.knex('schedules').count({ n: '*' }))[0].n);
          const before = await count();
          const cases: Array<[Partial<ScheduleSpec> | object, RegExp, grpc.status?]> = [
            [{ cron: 'every night' }, /^spec\.cron: /],
            [{ cron: '0 25 * * *' }, /^spec\.cron: /],
            [{ timeZone: 'Europe/Atlantis' }, /^spec\.time_zone: /],
            [{ windowDuration: { seconds: '-60' } }, /^spec\.window_duration: /],
            [{ windowDuration: { seconds: '0' } }, /^spec\.window_duration: /],
            [{ startTime: ts(Date.parse('2026-09-02T00:00:00Z')), endTime: ts(Date.parse('2026-09-01T00:00:00Z')) }, /^spec\.end_time: /],
            [{ target: { consumerSelector: ['role in web'] } }, /^spec\.target\.consumer_selector\[0\]: /],
            [{ target: { consumerId: id, consumerSelector: ['role=web'] } }, /^spec\.target: /],
            [{ target: {} }, /^spec\.target: /],
            [{ taskTemplate: { method: 'nodot' } }, /^spec\.task_template\.method: /],
            [{ taskTemplate: { method: 'packages.install', argumentsJson: '{}' } }, /^spec\.task_template\.arguments_json\.packages: /],
            [{ catchUpPolicy: 'SCHEDULE_CATCH_UP_POLICY_ALL' }, /^spec\.catch_up_window_duration: /],
            [{ catchUpPolicy: 42 }, /^spec\.catch_up_policy: /],
            [{ target: { consumerId: 'no-such-host' } }, /^spec\.target\.consumer_id: /, grpc.status.NOT_FOUND],
          ];
          for (const [change, field, code] of cases) {
            const err = await expectStatus(call(ctx().clients.schedules, 'createSchedule', { spec: nightly({ consumerId: id }, change as Partial<ScheduleSpec>) }), code ?? grpc.status.INVALID_ARGUMENT);
            assert.match(err.details, field, JSON.stringify(change));
          }
          assert.equal(await count(), before);
        });
      });

      describe('fan-out through TaskService', () => {
        it('creates one task per matching consumer as a group that is listed, watched and canceled as one', async () => {
          const a = await consumer({ tier: 'canary' });
          const b = await consumer({ tier: 'canary' });
          const { groupId, tasks } = await call(ctx().clients.tasks, 'createTaskGroup', {
            consumerSelector: ['tier=canary'],
            template: { method: 'packages.update', argumentsJson: '{"dry_run":true}' },
          });
          assert.deepEqual(tasks.map((t) => t.consumerId), [a, b]);
          assert.equal((await call(ctx().clients.tasks, 'listTasks', { groupId })).tasks.length, 2);
          const watched = new Promise<TaskEvent__Output[]>((resolve, reject) => {
            const events: TaskEvent__Output[] = [];
            const stream = ctx().clients.tasks.watchTaskGroup({ groupId });
            stream.on('data', ({ event }: { event: TaskEvent__Output }) => events.push(event));
            stream.on('end', () => resolve(events));
            stream.on('error', reject);
          });
          const canceled = await call(ctx().clients.tasks, 'cancelTaskGroup', { groupId, reason: 'rollout halted' });
          assert.deepEqual(canceled.tasks.map((t) => t.state), ['TASK_STATE_CANCELED', 'TASK_STATE_CANCELED']);
          const events = await watched;
          assert.equal(events.filter((e) => e.state === 'TASK_STATE_CANCELED').length, 2, 'the group watch ends after every task ended');
          const empty = await expectStatus(call(ctx().clients.tasks, 'createTaskGroup', { consumerSelector: ['tier=none'], template: { method: 'system.info' } }), grpc.status.FAILED_PRECONDITION);
          assert.equal(empty.details, 'no consumer matches tier=none');
          const err = await expectStatus(call(ctx().clients.tasks, 'createTaskGroup', { consumerSelector: ['tier=canary'], template: { consumerId: a, method: 'system.info' } }), grpc.status.INVALID_ARGUMENT);
          assert.match(err.details, /^template\.consumer_id: /);
          await expectStatus(call(ctx().clients.tasks, 'cancelTaskGroup', { groupId: 'no-such-group' }), grpc.status.NOT_FOUND);
        });
      });
    },
    { clock, schedulerTicker: false },
  );
});

for (const kind of STORE_KINDS) {
  describe(`scheduling across a restart [${kind}]`, function () {
    this.timeout(30_000);
    let store: TestStore;
    before(async () => {
      store = await createTestStore(kind);
    });
    after(async () => store.drop());

    it('releases what fell due and fires what was missed while the server was down', async () => {
      const clock = new FakeClock(Date.parse('2026-09-01T12:00:00Z'));
      const first = await startServerOn(store, { clock, schedulerTicker: false });
      let taskId: string;
      let scheduleId: string;
      try {
        await call(first.clients.consumers, 'registerConsumer', { consumerId: 'restart-1' });
        taskId = (await call(first.clients.tasks, 'createTask', { consumerId: 'restart-1', method: 'system.info', notBeforeTime: ts(clock.now() + HOUR) })).task!.id;
        scheduleId = (await call(first.clients.schedules, 'createSchedule', { spec: nightly({ consumerId: 'restart-1' }, { catchUpPolicy: 'SCHEDULE_CATCH_UP_POLICY_LATEST', windowDuration: null }) })).schedule!.id;
      } finally {
        first.clients.close();
        await first.server.stop();
      }
      clock.advance(DAY); // down over night: the task fell due, the 02:00 fire was missed
      const second = await startServerOn(store, { clock, schedulerTicker: false });
      try {
        await second.server.scheduler.tick();
        assert.equal((await call(second.clients.tasks, 'getTask', { taskId })).task!.state, 'TASK_STATE_WAITING');
        const tasks = await tasksOfSchedule(second.clients, scheduleId);
        assert.deepEqual(tasks.map((t) => iso(t.fireTime)), ['2026-09-02T00:00:00.000Z']);
      } finally {
        second.clients.close();
        await second.server.stop();
      }
    });
  });

  describe(`scheduling on the real clock [${kind}]`, function () {
    this.timeout(30_000);
    let store: TestStore;
    let server: TestServer;
    before(async () => {
      store = await createTestStore(kind);
      server = await startServerOn(store);
      await call(server.clients.consumers, 'registerConsumer', { consumerId: 'live-1' });
    });
    after(async () => {
      server.clients.close();
      await server.server.stop();
      await store.drop();
    });

    it('releases a task at its not_before, never before', async () => {
      const due = Date.now() + 1500;
      const { task } = await call(server.clients.tasks, 'createTask', { consumerId: 'live-1', method: 'system.info', notBeforeTime: ts(due) });
      const event = await waitForState(server.clients, task!.id, ['TASK_STATE_WAITING'], 10_000);
      assert.ok(ms(event.eventTime)! >= due, 'never before its time');
    });

    it('fires an every-second schedule, once per second', async () => {
      const s = (await call(server.clients.schedules, 'createSchedule', {
        spec: { cron: '* * * * * *', timeZone: 'UTC', taskTemplate: { method: 'system.info' }, target: { consumerId: 'live-1' }, overlapPolicy: 'SCHEDULE_OVERLAP_POLICY_ALLOW' },
      })).schedule!;
      await eventually('three fires', async () => (await tasksOfSchedule(server.clients, s.id)).length >= 3, 10_000, 50);
      await call(server.clients.schedules, 'pauseSchedule', { scheduleId: s.id });
      const fires = (await tasksOfSchedule(server.clients, s.id)).map((t) => ms(t.fireTime)!);
      assert.equal(new Set(fires).size, fires.length, 'no fire twice');
      for (const f of fires) assert.equal(f % 1000, 0);
    });
  });
}
