import assert from 'node:assert/strict';
import * as grpc from '@grpc/grpc-js';
import { call } from '../client/client';
import { FakeClock } from './helpers/fake-clock';
import { describeOnEachStore, expectStatus, type TestServer } from './helpers/server';
import type { GetConsumerTimelineRequest } from '../protos/generated/taskplane/v1/GetConsumerTimelineRequest';
import type { TimelineEntry__Output } from '../protos/generated/taskplane/v1/TimelineEntry';

const HOUR = 3600_000;
const ts = (ms: number) => ({ seconds: String(Math.floor(ms / 1000)), nanos: (ms % 1000) * 1e6 });
const ms = (t: { seconds: string | number; nanos: number } | null | undefined) => (t ? Number(t.seconds) * 1000 + Math.floor(t.nanos / 1e6) : null);

/** One entry as a short name: "history:registered", "task:<id>", "fire:<schedule>@<UTC time>". */
function nameOf(entry: TimelineEntry__Output): string {
  if (entry.historyEvent) return `history:${entry.historyEvent.type}`;
  if (entry.task) return `task:${entry.task.id}`;
  return `fire:${entry.upcomingFire!.scheduleId}@${new Date(ms(entry.upcomingFire!.fire!.fireTime)!).toISOString()}`;
}

describe('consumer timeline', () => {
  // Thursday before the spring-forward night in Berlin (2026-03-29, 02:00 -> 03:00).
  const T0 = Date.parse('2026-03-26T10:00:00Z');
  const clock = new FakeClock(T0);

  describeOnEachStore(
    'with a moved clock',
    (ctx) => {
      const timeline = (request: GetConsumerTimelineRequest) => call(ctx().clients.consumers, 'getConsumerTimeline', request);
      /** Every entry from `request` on, following tokens in `direction` until there are none (or `pages` pages), nearest first. */
      async function follow(request: GetConsumerTimelineRequest, direction: 'older' | 'newer', pages = 100): Promise<{ names: string[]; pageCount: number }> {
        const names: string[] = [];
        let page = await timeline(request);
        for (let n = 1; ; n++) {
          const entries = page.entries.map(nameOf);
          names.push(...(direction === 'newer' ? entries : entries.reverse()));
          const token = direction === 'newer' ? page.newerPageToken : page.olderPageToken;
          if (!token || n === pages) return { names, pageCount: n };
          page = await timeline({ consumerId: request.consumerId, pageSize: request.pageSize, pageToken: token });
        }
      }

      let expected: string[] = [];
      let berlinSchedule = '';

      before(async () => {
        const t: TestServer = ctx();
        const c = t.clients;
        clock.set(T0);
        await call(c.consumers, 'registerConsumer', { consumerId: 'tl-web-3', labels: { role: 'tlweb' } });
        await call(c.consumers, 'registerConsumer', { consumerId: 'tl-other' });
        const task = async (consumerId: string, extra: object = {}) => (await call(c.tasks, 'createTask', { consumerId, method: 'system.info', ...extra })).task!.id;
        clock.set(T0 + HOUR);
        const a = await task('tl-web-3');
        clock.set(T0 + 2 * HOUR);
        const b = await task('tl-web-3');
        await task('tl-other');
        clock.set(T0 + 2.5 * HOUR);
        // Its window closes unstarted (its agent never connects): EXPIRED, with a window_missed history event.
        const e = await task('tl-web-3', { notAfterTime: ts(T0 + 2.5 * HOUR + 60_000) });
        clock.set(T0 + 3 * HOUR);
        await t.server.scheduler.tick();
        // Two tasks at the same instant as that history event.
        const tc = await task('tl-web-3');
        const td = await task('tl-web-3');
        const spec = (cron: string, timeZone: string, target: object) => ({ cron, timeZone, taskTemplate: { method: 'packages.update' }, target, windowDuration: { seconds: '3600' } });
        // 02:30 in Berlin: on 2026-03-29 that wall-clock time does not exist, so it fires at 03:00 (CEST).
        const s1 = (await call(c.schedules, 'createSchedule', { spec: spec('30 2 * * *', 'Europe/Berlin', { consumerId: 'tl-web-3' }) })).schedule!.id;
        const s2 = (await call(c.schedules, 'createSchedule', { spec: spec('30 1 * * *', 'UTC', { consumerSelector: ['role=tlweb'] }) })).schedule!.id;
        // Not on the axis: a paused schedule, and one for another consumer.
        await call(c.schedules, 'createSchedule', { spec: spec('15 * * * *', 'UTC', { consumerId: 'tl-web-3' }), paused: true });
        await call(c.schedules, 'createSchedule', { spec: spec('45 * * * *', 'UTC', { consumerId: 'tl-other' }) });
        berlinSchedule = s1;
        const [first, second] = [s1, s2].sort();
        const both = (iso: string) => [`fire:${first}@${iso}`, `fire:${second}@${iso}`];
        expected = [
          'history:registered',
          `task:${a}`,
          `task:${b}`,
          `task:${e}`,
          'history:window_missed',
          `task:${tc}`,
          `task:${td}`,
          ...both('2026-03-27T01:30:00.000Z'),
          ...both('2026-03-28T01:30:00.000Z'),
          `fire:${s1}@2026-03-29T01:00:00.000Z`,
          `fire:${s2}@2026-03-29T01:30:00.000Z`,
          `fire:${s1}@2026-03-30T00:30:00.000Z`,
          `fire:${s2}@2026-03-30T01:30:00.000Z`,
          `fire:${s1}@2026-03-31T00:30:00.000Z`,
        ];
      });

      it('merges tasks, history and upcoming fires on one axis, paged forward and back to the same pages', async () => {
        const forward = await follow({ consumerId: 'tl-web-3', afterTime: ts(T0), pageSize: 4 }, 'newer', 4);
        assert.deepEqual(forward.names.slice(0, expected.length), expected);
        // Back from the fourth page: the third, second and first, then nothing older.
        let page = await timeline({ consumerId: 'tl-web-3', afterTime: ts(T0), pageSize: 4 });
        for (let i = 0; i < 3; i++) page = await timeline({ consumerId: 'tl-web-3', pageSize: 4, pageToken: page.newerPageToken });
        assert.deepEqual(page.entries.map(nameOf), expected.slice(12, 16));
        const back = await follow({ consumerId: 'tl-web-3', pageSize: 4, pageToken: page.olderPageToken }, 'older');
        assert.deepEqual(back.names, expected.slice(0, 12).reverse());
        assert.equal(back.pageCount, 3, 'three pages, and the first has no older token');
      });

      it('pages backward from before_time, each page oldest first, and forward again from the first', async () => {
        const before = Date.parse('2026-03-30T00:30:00Z');
        const first = await timeline({ consumerId: 'tl-web-3', beforeTime: ts(before), pageSize: 5 });
        assert.deepEqual(first.entries.map(nameOf), expected.slice(8, 13), 'the five newest before it, oldest first');
        const back = await follow({ consumerId: 'tl-web-3', beforeTime: ts(before), pageSize: 5 }, 'older');
        assert.deepEqual(back.names, expected.slice(0, 13).reverse());
        const onward = await timeline({ consumerId: 'tl-web-3', pageSize: 5, pageToken: first.newerPageToken });
        assert.deepEqual(onward.entries.map(nameOf).slice(0, 2), expected.slice(13, 15));
      });

      it('shows a fire across the spring-forward gap with its window on the schedule\'s clock', async () => {
        const { entries } = await timeline({ consumerId: 'tl-web-3', afterTime: ts(Date.parse('2026-03-29T00:00:00Z')), pageSize: 1 });
        const fire = entries[0].upcomingFire!;
        assert.equal(fire.scheduleId, berlinSchedule);
        assert.equal(fire.timeZone, 'Europe/Berlin');
        assert.equal(fire.method, 'packages.update');
        assert.equal(fire.fire!.fireTimeLocal, '2026-03-29T03:00:00+02:00');
        assert.equal(new Date(ms(fire.fire!.windowEndTime)!).toISOString(), '2026-03-29T02:00:00.000Z');
        assert.equal(fire.fire!.windowEndTimeLocal, '2026-03-29T04:00:00+02:00');
        assert.equal(ms(entries[0].time), Date.parse('2026-03-29T01:00:00Z'));
      });

      it('without an anchor, centres the page on now: the recent past and what comes next', async () => {
        // Now is T0 + 3 h: the history event and two tasks of that instant are "at or after now".
        const page = await timeline({ consumerId: 'tl-web-3', pageSize: 6 });
        assert.deepEqual(page.entries.map(nameOf), expected.slice(1, 7));
        const older = await timeline({ consumerId: 'tl-web-3', pageSize: 6, pageToken: page.olderPageToken });
        assert.deepEqual(older.entries.map(nameOf), expected.slice(0, 1));
        assert.equal(older.olderPageToken, '');
        const newer = await timeline({ consumerId: 'tl-web-3', pageSize: 6, pageToken: page.newerPageToken });
        assert.deepEqual(newer.entries.map(nameOf), expected.slice(7, 13));
      });

      it('refuses conflicting anchors, a token from another consumer, and an unknown consumer', async () => {
        const both = await expectStatus(timeline({ consumerId: 'tl-web-3', beforeTime: ts(T0), afterTime: ts(T0) }), grpc.status.INVALID_ARGUMENT);
        assert.match(both.details, /^after_time: cannot be combined with before_time/);
        const { newerPageToken } = await timeline({ consumerId: 'tl-web-3', afterTime: ts(T0), pageSize: 1 });
        const foreign = await expectStatus(timeline({ consumerId: 'tl-other', pageToken: newerPageToken }), grpc.status.INVALID_ARGUMENT);
        assert.match(foreign.details, /^page_token: /);
        await expectStatus(timeline({ consumerId: 'tl-nobody' }), grpc.status.NOT_FOUND);
        const tooBig = await expectStatus(timeline({ consumerId: 'tl-web-3', pageSize: 5000 }), grpc.status.INVALID_ARGUMENT);
        assert.match(tooBig.details, /^page_size: /);
      });
    },
    { clock, schedulerTicker: false },
  );
});
