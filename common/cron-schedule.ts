import { Cron } from 'croner';

/**
 * Cron fire times in an IANA time zone, and times shown on a zone's wall
 * clock. Shared because the server plans and previews fires with it
 * (server/scheduling/) and the command line shows preview times in the
 * schedule's zone (formatInZone, used by client/commands/common.ts).
 */

/**
 * A refused expression or zone. `field` is the name given to
 * CronSchedule.parse; the server reports it as INVALID_ARGUMENT on that field
 * (server/scheduling/schedule-registry.ts).
 */
export class CronSpecError extends Error {
  constructor(
    readonly field: string,
    readonly problem: string,
  ) {
    super(`${field}: ${problem}`);
  }
}

/**
 * Fire times of a cron expression in an IANA time zone.
 *
 * Computed with croner, a well-tested cron library with time-zone support,
 * rather than with node-cron, which only ticks: node-cron has known
 * daylight-saving and missed-run problems, and here the fire times live in
 * the store, so they must be computable for any instant, past or future.
 * node-cron stays the ticker that wakes the scheduler
 * (server/scheduling/scheduler.ts).
 *
 * Daylight saving time, one stated behaviour each (tested for Europe/Berlin
 * and America/New_York):
 * - A wall-clock time that does not exist (spring forward, e.g. 02:30 on
 *   the last Sunday of March in Berlin) fires once, at the first instant
 *   after the gap (03:00 local), never skipped.
 * - A wall-clock time that happens twice (fall back, e.g. 02:30 on the last
 *   Sunday of October in Berlin) fires once, at its first occurrence (the
 *   summer-time one), never twice.
 * - Expressions with a wildcard hour ("every hour", "every 15 minutes")
 *   follow elapsed time: they fire in each real hour, including both
 *   repeated ones.
 */
export class CronSchedule {
  private readonly cron: Cron;

  private constructor(
    readonly expression: string,
    readonly timeZone: string,
  ) {
    this.cron = new Cron(expression, { timezone: timeZone, paused: true, mode: expression.trim().split(/\s+/).length === 6 ? '6-part' : '5-part' });
  }

  /** Validates both; a CronSpecError names `cronField` or `zoneField`. */
  static parse(expression: string, timeZone: string, cronField = 'cron', zoneField = 'time_zone'): CronSchedule {
    if (!expression.trim()) throw new CronSpecError(cronField, 'is required');
    const fields = expression.trim().split(/\s+/).length;
    if (fields !== 5 && fields !== 6) {
      throw new CronSpecError(cronField, `"${expression}" has ${fields} fields; use 5 (minute hour day month weekday) or 6 (with seconds first)`);
    }
    assertTimeZone(timeZone, zoneField);
    try {
      const schedule = new CronSchedule(expression.trim(), timeZone);
      if (schedule.next(Date.now()) === null) throw new Error('it never fires');
      return schedule;
    } catch (err) {
      throw new CronSpecError(cronField, `"${expression}" is not a valid cron expression: ${(err as Error).message.replace(/^CronPattern: /, '')}`);
    }
  }

  /** The first fire strictly after `afterMs`, or null if there is none. */
  next(afterMs: number): number | null {
    const date = this.cron.nextRun(new Date(afterMs));
    return date ? date.getTime() : null;
  }
}

function assertTimeZone(timeZone: string, field: string): void {
  if (!timeZone) throw new CronSpecError(field, 'is required (an IANA zone such as Europe/Berlin or UTC)');
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
  } catch {
    throw new CronSpecError(field, `"${timeZone}" is not an IANA time zone (e.g. Europe/Berlin, America/New_York, UTC)`);
  }
}

/** "2026-03-29T03:00:00+02:00": a time as read on the wall clock of `timeZone`. */
export function formatInZone(ms: number, timeZone: string): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' })
      .formatToParts(new Date(ms))
      .map((p) => [p.type, p.value]),
  );
  const local = Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day), Number(parts.hour), Number(parts.minute), Number(parts.second));
  const offsetMin = Math.round((local - Math.floor(ms / 1000) * 1000) / 60000);
  const sign = offsetMin < 0 ? '-' : '+';
  const abs = Math.abs(offsetMin);
  const offset = `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
  return `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}:${parts.second}${offset}`;
}
