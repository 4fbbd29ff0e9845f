import assert from 'node:assert/strict';
import { CronSchedule, CronSpecError, formatInZone } from '../common/cron-schedule';

const utc = (ms: number) => new Date(ms).toISOString();

/** The next `count` fires strictly after `afterMs`, each found with next() from the one before, as the server walks them. */
function firesAfter(cron: CronSchedule, afterMs: number, count: number): number[] {
  const fires: number[] = [];
  for (let cursor = cron.next(afterMs); cursor !== null && fires.length < count; cursor = cron.next(cursor)) fires.push(cursor);
  return fires;
}

/** A check for assert.throws: a CronSpecError on `field` whose problem matches `problem`. */
const refusal = (field: string, problem: RegExp) => (err: unknown) => err instanceof CronSpecError && err.field === field && problem.test(err.problem);

describe('cron fire times across daylight-saving changes', () => {
  const cases = [
    // zone, spring-forward day, fall-back day, a wall time inside each change
    { zone: 'Europe/Berlin', spring: '2026-03-29', fall: '2026-10-25', gapTime: '30 2', gapFire: '2026-03-29T01:00:00.000Z', gapLocal: '2026-03-29T03:00:00+02:00', foldFire: '2026-10-25T00:30:00.000Z', foldLocal: '2026-10-25T02:30:00+02:00' },
    { zone: 'America/New_York', spring: '2026-03-08', fall: '2026-11-01', gapTime: '30 2', gapFire: '2026-03-08T07:00:00.000Z', gapLocal: '2026-03-08T03:00:00-04:00', foldFire: '2026-11-01T05:30:00.000Z', foldLocal: '2026-11-01T01:30:00-04:00' },
  ];
  for (const c of cases) {
    it(`${c.zone}: a time that does not exist (spring forward) fires once, at the first instant after the gap`, () => {
      const cron = CronSchedule.parse(`${c.gapTime} * * *`, c.zone);
      const fires = firesAfter(cron, Date.parse(`${c.spring}T00:00:00Z`) - 86_400_000, 3).map(utc);
      assert.equal(fires.filter((f) => f.startsWith(c.spring)).length, 1);
      assert.ok(fires.includes(c.gapFire), fires.join(' '));
      assert.equal(formatInZone(Date.parse(c.gapFire), c.zone), c.gapLocal);
    });

    it(`${c.zone}: a time that happens twice (fall back) fires once, at its first occurrence`, () => {
      const foldWall = c.zone === 'America/New_York' ? '30 1' : '30 2';
      const cron = CronSchedule.parse(`${foldWall} * * *`, c.zone);
      const fires = firesAfter(cron, Date.parse(`${c.fall}T00:00:00Z`) - 86_400_000, 3).map(utc);
      const onFallDay = fires.filter((f) => Math.abs(Date.parse(f) - Date.parse(c.foldFire)) < 6 * 3600_000);
      assert.deepEqual(onFallDay, [c.foldFire]);
      assert.equal(formatInZone(Date.parse(c.foldFire), c.zone), c.foldLocal);
    });
  }

  it('an hourly expression follows elapsed time through a fall-back night (both 02:00 hours fire)', () => {
    const cron = CronSchedule.parse('0 0 * * * *', 'Europe/Berlin');
    const fires = firesAfter(cron, Date.parse('2026-10-24T23:30:00Z'), 4).map((t) => formatInZone(t, 'Europe/Berlin'));
    assert.deepEqual(fires, ['2026-10-25T02:00:00+02:00', '2026-10-25T02:00:00+01:00', '2026-10-25T03:00:00+01:00', '2026-10-25T04:00:00+01:00']);
  });

  it('reads 6 fields with seconds first, and 5 without', () => {
    const everyTenSeconds = CronSchedule.parse('*/10 * * * * *', 'UTC');
    assert.deepEqual(firesAfter(everyTenSeconds, Date.parse('2026-01-01T00:00:01Z'), 2).map(utc), ['2026-01-01T00:00:10.000Z', '2026-01-01T00:00:20.000Z']);
    const daily = CronSchedule.parse('0 2 * * *', 'UTC');
    assert.equal(utc(daily.next(Date.parse('2026-01-01T00:00:00Z'))!), '2026-01-01T02:00:00.000Z');
    assert.equal(utc(daily.next(Date.parse('2026-01-01T02:00:00Z'))!), '2026-01-02T02:00:00.000Z', 'strictly after: a fire time itself is not returned again');
  });

  it('refuses malformed expressions and unknown zones, naming the field', () => {
    assert.throws(() => CronSchedule.parse('61 * * * *', 'UTC'), refusal('cron', /minute/));
    assert.throws(() => CronSchedule.parse('* * *', 'UTC'), refusal('cron', /3 fields/));
    assert.throws(() => CronSchedule.parse('0 0 30 2 *', 'UTC'), refusal('cron', /never fires/));
    assert.throws(() => CronSchedule.parse('* * * * *', 'Mars/Olympus_Mons'), refusal('time_zone', /IANA/));
    assert.throws(() => CronSchedule.parse('* * *', 'UTC', 'spec.cron', 'spec.time_zone'), refusal('spec.cron', /3 fields/));
    assert.throws(() => CronSchedule.parse('* * * * *', 'Mars/Olympus_Mons', 'spec.cron', 'spec.time_zone'), /^Error: spec\.time_zone: .*IANA/);
  });
});
