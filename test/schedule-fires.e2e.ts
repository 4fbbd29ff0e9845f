import assert from 'node:assert/strict';
import * as grpc from '@grpc/grpc-js';
import { call, type TaskplaneClients } from '../client/client';
import { FakeClock } from './helpers/fake-clock';
import { capturingLogger, describeOnEachStore, expectStatus, startServerOn } from './helpers/server';
import type { ScheduleSpec } from '../protos/generated/taskplane/v1/ScheduleSpec';
import type { ScheduleFire__Output } from '../protos/generated/taskplane/v1/ScheduleFire';

/**
 * Schedule fires as records (ListScheduleFires, TriggerSchedule,
 * BackfillSchedule) and the refusal to delete a consumer a schedule targets
 * by id, on a clock the tests move: the scheduler passes are driven by hand.
 */

const HOUR = 3600_000;
const DAY = 24 * HOUR;
const ts = (ms: number) => ({ seconds: String(Math.floor(ms / 1000)), nanos: (ms % 1000) * 1e6 });
const ms = (t: { seconds: string | number; nanos: number } | null | undefined) => (t ? Number(t.seconds) * 1000 + Math.floor(t.nanos / 1e6) : null);
const iso = (t: Parameters<typeof ms>[0]) => new Date(ms(t)!).toISOString();

/** Every day at 02:00 UTC, for one consumer or a selector; no window, so its tasks stay unfinished until run. */
function nightly(target: object, extra: Partial<ScheduleSpec> = {}): ScheduleSpec {
  return { cron: '0 2 * * *', timeZone: 'UTC', taskTemplate: { method: 'system.info' }, target, ...extra };
}

/** [fire time, outcome, trigger, task count] of each fire, as the API lists them (newest first). */
const summary = (fires: ScheduleFire__Output[]) =>
  fires.map((f) => [iso(f.fireTime), f.outcome.replace('SCHEDULE_FIRE_OUTCOME_', ''), f.trigger.replace('SCHEDULE_FIRE_TRIGGER_', ''), f.taskCount]);

async function allFires(clients: TaskplaneClients, scheduleId: string) {
  return (await call(clients.schedules, 'listScheduleFires', { scheduleId, pageSize: 1000 })).fires;
}

async function tasksOfSchedule(clients: TaskplaneClients, scheduleId: string) {
  return (await call(clients.tasks, 'listTasks', { scheduleId, pageSize: 1000 })).tasks;
}

describe('schedule fires', () => {
  const clock = new FakeClock(Date.parse('2026-10-01T12:00:00Z'));
  const log = capturingLogger();

  describeOnEachStore(
    'as records, triggered and backfilled',
    (ctx) => {
      const tick = () => ctx().server.scheduler.tick();
      let n = 0;
      async function consumer(labels: Record<string, string> = {}) {
        const id = `fires-${++n}`;
        await call(ctx().clients.consumers, 'registerConsumer', { consumerId: id, labels });
        return id;
      }
      async function schedule(spec: ScheduleSpec, paused = false) {
        return (await call(ctx().clients.schedules, 'createSchedule', { spec, paused })).schedule!;
      }

      it('records every outcome with its trigger, group and task count, and lists them newest first, by outcome, a page at a time', async () => {
        clock.set('2026-10-01T12:00:00Z');
        const id = await consumer();
        const once = await schedule(nightly({ consumerId: id }));
        const nobody = await schedule(nightly({ consumerSelector: ['role=nobody'] }));
        const late = await schedule(nightly({ consumerId: id }, { overlapPolicy: 'SCHEDULE_OVERLAP_POLICY_ALLOW', catchUpPolicy: 'SCHEDULE_CATCH_UP_POLICY_LATEST' }));
        for (const day of ['2026-10-02', '2026-10-03']) {
          clock.set(`${day}T02:00:01Z`);
          await tick();
        }

        const fires = await allFires(ctx().clients, once.id);
        assert.deepEqual(summary(fires), [
          ['2026-10-03T02:00:00.000Z', 'SKIPPED_OVERLAP', 'SCHEDULED', 0],
          ['2026-10-02T02:00:00.000Z', 'CREATED', 'SCHEDULED', 1],
        ]);
        const [task] = await tasksOfSchedule(ctx().clients, once.id);
        assert.equal(fires[1].groupId, task.groupId, "the fire names its tasks' group");
        assert.equal(fires[0].groupId, '', 'a skipped fire has no group');
        assert.match(fires[0].detail, /unfinished/);
        assert.ok(ms(fires[1].recordTime)! >= ms(fires[1].fireTime)!);

        const empty = await allFires(ctx().clients, nobody.id);
        assert.deepEqual(summary(empty).map(([, outcome, , count]) => [outcome, count]), [['EMPTY_SELECTION', 0], ['EMPTY_SELECTION', 0]]);
        assert.match(empty[0].detail, /no consumer matches/);

        // The "late" schedule also fired both nights; then no server runs for three days.
        clock.set('2026-10-06T10:00:00Z');
        await tick();
        assert.deepEqual(summary(await allFires(ctx().clients, late.id)), [
          ['2026-10-06T02:00:00.000Z', 'CREATED', 'CATCH_UP', 1],
          ['2026-10-05T02:00:00.000Z', 'MISSED', 'SCHEDULED', 0],
          ['2026-10-04T02:00:00.000Z', 'MISSED', 'SCHEDULED', 0],
          ['2026-10-03T02:00:00.000Z', 'CREATED', 'SCHEDULED', 1],
          ['2026-10-02T02:00:00.000Z', 'CREATED', 'SCHEDULED', 1],
        ]);

        const missed = await call(ctx().clients.schedules, 'listScheduleFires', { scheduleId: late.id, outcome: 'SCHEDULE_FIRE_OUTCOME_MISSED', pageSize: 1 });
        assert.deepEqual(summary(missed.fires).map(([t]) => t), ['2026-10-05T02:00:00.000Z']);
        assert.match(missed.fires[0].detail, /catch-up policy latest/);
        const rest = await call(ctx().clients.schedules, 'listScheduleFires', { scheduleId: late.id, outcome: 'SCHEDULE_FIRE_OUTCOME_MISSED', pageSize: 1, pageToken: missed.nextPageToken });
        assert.deepEqual(summary(rest.fires).map(([t]) => t), ['2026-10-04T02:00:00.000Z']);
        assert.equal(rest.nextPageToken, '', 'the last page');

        // A page token is for the listing it came from.
        await expectStatus(call(ctx().clients.schedules, 'listScheduleFires', { scheduleId: late.id, pageToken: missed.nextPageToken }), grpc.status.INVALID_ARGUMENT);
        await expectStatus(call(ctx().clients.schedules, 'listScheduleFires', { scheduleId: 'no-such-schedule' }), grpc.status.NOT_FOUND);
      });

      it('trigger fires now, recorded as manual, paused or not; the overlap policy applies and the next scheduled fire stays', async () => {
        clock.set('2026-11-01T12:00:00Z');
        const id = await consumer();
        const s = await schedule(nightly({ consumerId: id }), true);
        const { fire } = await call(ctx().clients.schedules, 'triggerSchedule', { scheduleId: s.id });
        assert.deepEqual(summary([fire!]), [['2026-11-01T12:00:00.000Z', 'CREATED', 'MANUAL', 1]]);
        const tasks = await tasksOfSchedule(ctx().clients, s.id);
        assert.deepEqual(tasks.map((t) => [t.consumerId, iso(t.fireTime), t.groupId]), [[id, '2026-11-01T12:00:00.000Z', fire!.groupId]]);

        clock.advance(1000);
        const again = (await call(ctx().clients.schedules, 'triggerSchedule', { scheduleId: s.id })).fire!;
        assert.deepEqual(summary([again]), [['2026-11-01T12:00:01.000Z', 'SKIPPED_OVERLAP', 'MANUAL', 0]], 'the first fire is unfinished: overlap SKIP');
        assert.equal((await tasksOfSchedule(ctx().clients, s.id)).length, 1);

        const after = (await call(ctx().clients.schedules, 'getSchedule', { scheduleId: s.id })).schedule!;
        assert.equal(iso(after.nextFireTime), iso(s.nextFireTime));
        assert.equal(after.lastFireTime, null, 'a trigger is not the scheduler handling its fires');

        const audit = await call(ctx().clients.audit, 'listAuditEvents', { action: 'schedule.trigger', pageSize: 10 });
        assert.ok(audit.events.some((e) => e.resource === `schedule/${s.id}` && JSON.parse(e.detailsJson).fire_time === '2026-11-01T12:00:00.000Z'));
        await expectStatus(call(ctx().clients.schedules, 'triggerSchedule', { scheduleId: 'no-such-schedule' }), grpc.status.NOT_FOUND);
      });

      it('a trigger at the instant of a scheduled fire on one server, with another server ticking, fires once and the schedule goes on', async () => {
        clock.set('2026-11-10T12:00:00Z');
        const id = await consumer();
        const s = await schedule(nightly({ consumerId: id }, { overlapPolicy: 'SCHEDULE_OVERLAP_POLICY_ALLOW' }));
        const other = await startServerOn(ctx().store, { clock, schedulerTicker: false });
        try {
          clock.set('2026-11-11T02:00:00Z');
          const [triggered] = await Promise.all([call(ctx().clients.schedules, 'triggerSchedule', { scheduleId: s.id }), other.server.scheduler.tick()]);
          await other.server.scheduler.tick();
          await tick();
          // Whoever recorded 02:00 first: the trigger (then it counts as that fire) or the scheduler (then the trigger takes the next millisecond).
          const fires = await allFires(ctx().clients, s.id);
          const tasks = await tasksOfSchedule(ctx().clients, s.id);
          assert.equal(tasks.length, fires.length, `one task per recorded fire: ${JSON.stringify(summary(fires))}`);
          assert.equal(new Set(tasks.map((t) => iso(t.fireTime))).size, tasks.length, 'no fire time created twice');
          assert.ok(fires.some((f) => f.trigger === 'SCHEDULE_FIRE_TRIGGER_MANUAL' && iso(f.fireTime) === iso(triggered.fire!.fireTime)));
          // The scheduled 02:00 fire happened once (by whichever came first) and the cursor moved on.
          assert.equal(fires.filter((f) => iso(f.fireTime) === '2026-11-11T02:00:00.000Z').length, 1);
          const after = (await call(ctx().clients.schedules, 'getSchedule', { scheduleId: s.id })).schedule!;
          assert.equal(iso(after.nextFireTime), '2026-11-12T02:00:00.000Z');
        } finally {
          other.clients.close();
          await other.server.stop('test finished');
        }
      });

      it('a scheduled fire whose time a trigger took is not fired again, and the schedule moves on', async () => {
        clock.set('2026-11-20T12:00:00Z');
        const id = await consumer();
        const s = await schedule(nightly({ consumerId: id }, { overlapPolicy: 'SCHEDULE_OVERLAP_POLICY_ALLOW' }));
        clock.set('2026-11-21T02:00:00Z');
        const { fire } = await call(ctx().clients.schedules, 'triggerSchedule', { scheduleId: s.id });
        assert.equal(iso(fire!.fireTime), '2026-11-21T02:00:00.000Z');
        await tick();
        assert.deepEqual(summary(await allFires(ctx().clients, s.id)), [['2026-11-21T02:00:00.000Z', 'CREATED', 'MANUAL', 1]]);
        assert.equal((await tasksOfSchedule(ctx().clients, s.id)).length, 1);
        assert.equal(iso((await call(ctx().clients.schedules, 'getSchedule', { scheduleId: s.id })).schedule!.nextFireTime), '2026-11-22T02:00:00.000Z');
      });

      it('backfill runs the past fires not yet run, missed ones included, once: the same backfill again creates nothing', async () => {
        clock.set('2026-12-01T12:00:00Z');
        const id = await consumer();
        const s = await schedule(nightly({ consumerId: id }, { overlapPolicy: 'SCHEDULE_OVERLAP_POLICY_ALLOW' }));
        clock.set('2026-12-02T02:00:01Z');
        await tick(); // Dec 2 fires on time
        clock.set('2026-12-04T12:00:00Z');
        await tick(); // Dec 3 and 4 were missed (catch-up policy skip)
        const range = { scheduleId: s.id, fromTime: ts(Date.parse('2026-11-30T00:00:00Z')), toTime: ts(Date.parse('2026-12-04T02:00:00Z')) };

        const first = await call(ctx().clients.schedules, 'backfillSchedule', range);
        // Nov 30 and Dec 1 (before the schedule existed), Dec 3 (missed); Dec 2 had fired; Dec 4 02:00 is not before to_time.
        assert.deepEqual(summary(first.fires), [
          ['2026-11-30T02:00:00.000Z', 'CREATED', 'BACKFILL', 1],
          ['2026-12-01T02:00:00.000Z', 'CREATED', 'BACKFILL', 1],
          ['2026-12-03T02:00:00.000Z', 'CREATED', 'BACKFILL', 1],
        ]);
        assert.equal(first.alreadyRecordedCount, 1);
        assert.deepEqual(summary(await allFires(ctx().clients, s.id)), [
          ['2026-12-04T02:00:00.000Z', 'MISSED', 'SCHEDULED', 0],
          ['2026-12-03T02:00:00.000Z', 'CREATED', 'BACKFILL', 1],
          ['2026-12-02T02:00:00.000Z', 'CREATED', 'SCHEDULED', 1],
          ['2026-12-01T02:00:00.000Z', 'CREATED', 'BACKFILL', 1],
          ['2026-11-30T02:00:00.000Z', 'CREATED', 'BACKFILL', 1],
        ]);
        const tasks = await tasksOfSchedule(ctx().clients, s.id);
        assert.deepEqual(tasks.map((t) => iso(t.fireTime)).sort(), ['2026-11-30T02:00:00.000Z', '2026-12-01T02:00:00.000Z', '2026-12-02T02:00:00.000Z', '2026-12-03T02:00:00.000Z']);

        const second = await call(ctx().clients.schedules, 'backfillSchedule', range);
        assert.deepEqual(second.fires, []);
        assert.equal(second.alreadyRecordedCount, 4);
        assert.equal((await tasksOfSchedule(ctx().clients, s.id)).length, 4);
        assert.equal(iso((await call(ctx().clients.schedules, 'getSchedule', { scheduleId: s.id })).schedule!.nextFireTime), '2026-12-05T02:00:00.000Z', 'the cursor is untouched');
      });

      it('backfill follows the overlap policy, as catching up does', async () => {
        clock.set('2026-12-10T12:00:00Z');
        const id = await consumer();
        const s = await schedule(nightly({ consumerId: id }));
        const { fires } = await call(ctx().clients.schedules, 'backfillSchedule', { scheduleId: s.id, fromTime: ts(Date.parse('2026-12-08T00:00:00Z')), toTime: ts(clock.now()) });
        assert.deepEqual(summary(fires), [
          ['2026-12-08T02:00:00.000Z', 'CREATED', 'BACKFILL', 1],
          ['2026-12-09T02:00:00.000Z', 'SKIPPED_OVERLAP', 'BACKFILL', 0],
          ['2026-12-10T02:00:00.000Z', 'SKIPPED_OVERLAP', 'BACKFILL', 0],
        ]);
      });

      it('backfill refuses a range in the future, reversed, unbounded or too large, naming the field, and writes nothing', async () => {
        clock.set('2026-12-20T12:00:00Z');
        const id = await consumer();
        const s = await schedule(nightly({ consumerId: id }));
        const minutely = await schedule(nightly({ consumerId: id }, { cron: '* * * * *' }));
        const backfill = (scheduleId: string, from: number | null, to: number | null) =>
          call(ctx().clients.schedules, 'backfillSchedule', { scheduleId, fromTime: from === null ? null : ts(from), toTime: to === null ? null : ts(to) });
        const now = clock.now();
        const cases: [() => Promise<unknown>, RegExp][] = [
          [() => backfill(s.id, now - DAY, now + HOUR), /^to_time: is in the future/],
          [() => backfill(s.id, now, now - DAY), /^to_time: must be after from_time/],
          [() => backfill(s.id, null, now), /^from_time: is required/],
          [() => backfill(s.id, now - DAY, null), /^to_time: is required/],
          [() => backfill(minutely.id, now - DAY, now), /^from_time: the range holds more than 500 fires/],
        ];
        for (const [attempt, message] of cases) assert.match((await expectStatus(attempt(), grpc.status.INVALID_ARGUMENT)).details, message);
        await expectStatus(backfill('no-such-schedule', now - DAY, now), grpc.status.NOT_FOUND);
        assert.deepEqual(await allFires(ctx().clients, s.id), []);
        assert.deepEqual(await allFires(ctx().clients, minutely.id), []);
      });

      it('refuses a bad fires listing or trigger, naming the field', async () => {
        const s = await schedule(nightly({ consumerSelector: ['role=nobody'] }), true);
        const cases: [() => Promise<unknown>, RegExp][] = [
          [() => call(ctx().clients.schedules, 'listScheduleFires', { scheduleId: s.id, outcome: 99 as never }), /^outcome: "99" is not a known outcome/],
          [() => call(ctx().clients.schedules, 'listScheduleFires', { scheduleId: s.id, pageSize: 5000 }), /^page_size: /],
          [() => call(ctx().clients.schedules, 'listScheduleFires', { scheduleId: '' }), /^schedule_id: is required/],
          [() => call(ctx().clients.schedules, 'triggerSchedule', { scheduleId: '' }), /^schedule_id: is required/],
        ];
        for (const [attempt, message] of cases) assert.match((await expectStatus(attempt(), grpc.status.INVALID_ARGUMENT)).details, message);
        assert.deepEqual(await allFires(ctx().clients, s.id), []);
      });

      it('deleting a consumer an unpaused schedule targets by id is refused naming it; forced, it pauses the schedule and says so', async () => {
        clock.set('2027-01-05T12:00:00Z');
        const id = await consumer({ role: 'db' });
        const byId = await schedule(nightly({ consumerId: id }));
        const pausedById = await schedule(nightly({ consumerId: id }), true);
        const bySelector = await schedule(nightly({ consumerSelector: ['role=db'] }));

        const refused = await expectStatus(call(ctx().clients.consumers, 'deleteConsumer', { consumerId: id }), grpc.status.FAILED_PRECONDITION);
        assert.match(refused.details, new RegExp(`consumer "${id}" is the target of schedule "${byId.id}"; .*force`));
        assert.doesNotMatch(refused.details, new RegExp(`${pausedById.id}|${bySelector.id}`), 'a paused schedule does not fire, and a selector just matches fewer');
        assert.equal((await call(ctx().clients.consumers, 'getConsumer', { consumerId: id })).consumer!.id, id, 'nothing was deleted');
        assert.equal((await call(ctx().clients.schedules, 'getSchedule', { scheduleId: byId.id })).schedule!.paused, false);

        const forced = await call(ctx().clients.consumers, 'deleteConsumer', { consumerId: id, force: true });
        assert.deepEqual(forced.pausedScheduleIds, [byId.id]);
        await expectStatus(call(ctx().clients.consumers, 'getConsumer', { consumerId: id }), grpc.status.NOT_FOUND);
        assert.equal((await call(ctx().clients.schedules, 'getSchedule', { scheduleId: byId.id })).schedule!.paused, true);
        assert.equal((await call(ctx().clients.schedules, 'getSchedule', { scheduleId: bySelector.id })).schedule!.paused, false);
        const line = log.lines().filter((l) => l.event === 'schedule.paused' && l.consumerId === id).pop();
        assert.ok(line, 'the forced pause is logged');
        assert.deepEqual(line.scheduleIds, [byId.id]);

        // A fire into nothing now says why.
        const { fire } = await call(ctx().clients.schedules, 'triggerSchedule', { scheduleId: byId.id });
        assert.equal(fire!.outcome, 'SCHEDULE_FIRE_OUTCOME_EMPTY_SELECTION');
        assert.equal(fire!.detail, `consumer "${id}" is not registered`);
      });
    },
    { clock, schedulerTicker: false, logger: log.logger },
  );
});
