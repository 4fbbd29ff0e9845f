import { formatInZone } from './cron-schedule';

/**
 * Text a person writes for a point in time -> milliseconds since the epoch,
 * strictly: RFC 3339 with "Z" or an offset ("2026-12-01T02:00:00+01:00"),
 * or a date ("2026-12-01", its midnight) or date-time without an offset,
 * which are wall-clock time in `timeZone` (default: this machine's zone,
 * which honours TZ). An impossible date ("2026-02-30") or a wall-clock time
 * the zone skips (a spring-forward gap) is refused, never rolled over.
 * Shared because every command reading a time flag (--at, --since, --after
 * ...) reads it this way.
 */

const TIME_TEXT = /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?([Zz]|[+-]\d{2}:\d{2})?)?$/;

export const TIME_TEXT_HELP = 'RFC 3339 (e.g. 2026-12-01T02:00:00Z or 2026-12-01T03:00:00+01:00), or a local date or date-time (2026-12-01, 2026-12-01T03:00)';

/** This machine's time zone (TZ if set), as an IANA name. */
export function localTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

/** The time `text` names, or a reason it names none. */
export function parseTimeText(text: string, timeZone = localTimeZone()): { ms: number } | { error: string } {
  const m = TIME_TEXT.exec(text.trim());
  if (!m) return { error: `is not a time: use ${TIME_TEXT_HELP}` };
  const [, year, month, day, hour = '00', minute = '00', second = '00', fraction = '', offset] = m;
  const fields = [year, month, day, hour, minute, second].map(Number);
  const [y, mo, d, h, mi, s] = fields;
  const daysInMonth = new Date(Date.UTC(y, mo, 0)).getUTCDate();
  if (mo < 1 || mo > 12) return { error: `has no month ${month}` };
  if (d < 1 || d > daysInMonth) return { error: `is not a date: ${year}-${month} has ${daysInMonth} days` };
  if (h > 23 || mi > 59 || s > 59) return { error: `is not a time of day: ${hour}:${minute}:${second}` };
  const millis = Number(fraction.padEnd(3, '0').slice(0, 3));
  const wall = Date.UTC(y, mo - 1, d, h, mi, s, millis);
  if (offset) {
    if (/^[Zz]$/.test(offset)) return { ms: wall };
    const [oh, om] = offset.slice(1).split(':').map(Number);
    if (oh > 23 || om > 59) return { error: `has no offset ${offset}` };
    return { ms: wall - (offset[0] === '-' ? -1 : 1) * (oh * 60 + om) * 60_000 };
  }
  return wallClockIn(wall, timeZone);
}

/** The instant whose wall clock in `timeZone` reads `wall` (given as if it were UTC). */
function wallClockIn(wall: number, timeZone: string): { ms: number } | { error: string } {
  let offset: number;
  try {
    offset = offsetAt(wall, timeZone);
  } catch {
    return { error: `names a time in "${timeZone}", which is not a time zone` };
  }
  let ms = wall - offset;
  const second = offsetAt(ms, timeZone);
  if (second !== offset) ms = wall - second;
  if (ms + offsetAt(ms, timeZone) !== wall) return { error: `does not exist in ${timeZone}: the clocks skip it` };
  return { ms };
}

/** How far `timeZone`'s wall clock is ahead of UTC at `ms`, in milliseconds. */
function offsetAt(ms: number, timeZone: string): number {
  const text = formatInZone(ms, timeZone);
  const [, sign, h, m] = /([+-])(\d{2}):(\d{2})$/.exec(text)!;
  return (sign === '-' ? -1 : 1) * (Number(h) * 60 + Number(m)) * 60_000;
}
