// Times as people read them: in the viewer's time zone, with the zone named.

export const viewerZone = Intl.DateTimeFormat().resolvedOptions().timeZone;

const partsFormat = new Map();

/** The parts of `date` on the wall clock of `timeZone` (24-hour). */
function parts(date, timeZone) {
  let format = partsFormat.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat(undefined, { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23', timeZoneName: 'short' });
    partsFormat.set(timeZone, format);
  }
  return Object.fromEntries(format.formatToParts(date).map((p) => [p.type, p.value]));
}

/** "2026-12-01 14:30:05 CET" in the viewer's zone (or `timeZone`); "" for no time. */
export function formatTime(iso, { seconds = true, zone = true, timeZone = viewerZone } = {}) {
  if (!iso) return '';
  const p = parts(new Date(iso), timeZone);
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}${seconds ? `:${p.second}` : ''}${zone ? ` ${p.timeZoneName}` : ''}`;
}

/**
 * Compact, for table cells whose header names the zone (zoneLabel): the
 * time of day for today, the date and time for other days.
 */
export function formatCompact(iso, { seconds = true } = {}) {
  if (!iso) return '';
  const p = parts(new Date(iso), viewerZone);
  const today = parts(new Date(), viewerZone);
  const clock = `${p.hour}:${p.minute}${seconds ? `:${p.second}` : ''}`;
  return p.year === today.year && p.month === today.month && p.day === today.day ? clock : `${p.year}-${p.month}-${p.day} ${clock}`;
}

/** The viewer's zone as its short name now, e.g. "CET" or "GMT+1". */
export function zoneLabel() {
  return parts(new Date(), viewerZone).timeZoneName;
}

/** "14:30" in the viewer's zone. */
export function formatClock(iso, timeZone = viewerZone) {
  const p = parts(new Date(iso), timeZone);
  return `${p.hour}:${p.minute}`;
}

/** "Tue 1 Dec" in the viewer's zone. */
export function formatDay(iso, timeZone = viewerZone) {
  return new Intl.DateTimeFormat('en-GB', { timeZone, weekday: 'short', day: 'numeric', month: 'short' }).format(new Date(iso));
}

/** "3 min ago", "in 2 h", "just now". */
export function relative(iso, now = Date.now()) {
  if (!iso) return '';
  const delta = Date.parse(iso) - now;
  const abs = Math.abs(delta);
  if (abs < 5000) return 'just now';
  const [value, unit] = abs < 60_000 ? [abs / 1000, 's'] : abs < 3_600_000 ? [abs / 60_000, 'min'] : abs < 86_400_000 ? [abs / 3_600_000, 'h'] : [abs / 86_400_000, 'd'];
  const text = `${Math.floor(value)} ${unit}`;
  return delta < 0 ? `${text} ago` : `in ${text}`;
}

/** "1.2 s", "3 min 4 s", "2 h 5 min". */
export function formatDuration(ms) {
  if (ms === null || ms === undefined || Number.isNaN(ms)) return '';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
  const both = (big, bigUnit, small, smallUnit) => (small ? `${big} ${bigUnit} ${small} ${smallUnit}` : `${big} ${bigUnit}`);
  if (ms < 3_600_000) return both(Math.floor(ms / 60_000), 'min', Math.floor((ms % 60_000) / 1000), 's');
  if (ms < 86_400_000) return both(Math.floor(ms / 3_600_000), 'h', Math.floor((ms % 3_600_000) / 60_000), 'min');
  return both(Math.floor(ms / 86_400_000), 'd', Math.floor((ms % 86_400_000) / 3_600_000), 'h');
}

/**
 * A time the server wrote on a schedule's wall clock
 * ("2026-03-29T03:00:00+02:00"), as "2026-03-29 03:00 (+02:00)".
 */
export function formatZoneLocal(local) {
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})(?::\d{2})?(.*)$/.exec(local ?? '');
  return m ? `${m[1]} ${m[2]}${m[3] ? ` (${m[3] === 'Z' ? 'UTC' : m[3]})` : ''}` : local ?? '';
}

export function shortId(id) {
  return id ? id.slice(0, 8) : '';
}

/** JSON text pretty-printed, or the text as it is if it is not JSON. */
export function prettyJson(text) {
  if (!text) return '';
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}
