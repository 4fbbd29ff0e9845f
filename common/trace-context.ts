import crypto from 'node:crypto';

/**
 * W3C Trace Context's `traceparent` (https://www.w3.org/TR/trace-context/):
 * "version-traceid-parentid-flags" in lower-case hex, e.g.
 * 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01. Shared because
 * the server checks and stores it, the agent hands it to plugins, and the
 * command line sends it.
 */
export const TRACEPARENT = 'traceparent';

/** Longer values are refused: version 00 is 55 characters, and later versions only append fields. */
export const MAX_TRACEPARENT_LENGTH = 128;

const PREFIX = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})/;

/**
 * Why `value` is not a traceparent this server accepts, or null if it is.
 * Version 00 must be exactly the four fields; a later version (01 to fe) is
 * read by its version-00 prefix, followed by nothing or by "-" and more
 * fields, as the specification asks of a reader that does not know it.
 */
export function traceparentProblem(value: string): string | null {
  if (value.length > MAX_TRACEPARENT_LENGTH) return `is longer than ${MAX_TRACEPARENT_LENGTH} characters`;
  const m = PREFIX.exec(value);
  if (!m) return 'is not of the form version-traceid-parentid-flags in lower-case hex (2-32-16-2 digits)';
  const [, version, traceId, parentId] = m;
  if (version === 'ff') return 'has version ff, which the specification forbids';
  if (version === '00' && value.length !== 55) return 'has version 00 and must be exactly 55 characters';
  if (value.length > 55 && value[55] !== '-') return 'has more after its flags without a "-" separator';
  if (/^0+$/.test(traceId)) return 'has an all-zero trace id';
  if (/^0+$/.test(parentId)) return 'has an all-zero parent id';
  return null;
}

/** The trace id (32 hex digits) of a valid traceparent. */
export function traceIdOf(traceparent: string): string {
  return traceparent.slice(3, 35);
}

/** A new trace: random trace and parent ids, sampled. */
export function newTraceparent(): string {
  return `00-${crypto.randomBytes(16).toString('hex')}-${crypto.randomBytes(8).toString('hex')}-01`;
}
