/**
 * "30s", "5m", "1h30m", "2d" as milliseconds; null if the text is not such
 * a duration. Shared because the client verbs and `token create
 * --bootstrap` (server/cli/) read durations the same way.
 */
const DURATION_PART = /(\d+)([dhms])/g;
const DURATION_WHOLE = /^(?:\d+[dhms])+$/;
const UNIT_SECONDS: Record<string, number> = { d: 86_400, h: 3_600, m: 60, s: 1 };

export function durationTextMs(text: string): number | null {
  if (!DURATION_WHOLE.test(text)) return null;
  let seconds = 0;
  for (const [, amount, unit] of text.matchAll(DURATION_PART)) seconds += Number(amount) * UNIT_SECONDS[unit];
  return seconds * 1000;
}
