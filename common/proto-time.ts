import type { Long } from '@grpc/proto-loader';
import type { Timestamp } from '../protos/generated/google/protobuf/Timestamp';
import type { Duration } from '../protos/generated/google/protobuf/Duration';

/**
 * google.protobuf.Timestamp and Duration <-> milliseconds, written once.
 * Shared because the server (server/grpc/convert.ts), the agent
 * (agent/agent.ts) and the command line (client/commands/common.ts) all read
 * and write these messages. One convention everywhere: a `*_time` field is a
 * number of milliseconds since the epoch (named `...Time` or `...Ms` in
 * code), a `*_duration` field a number of milliseconds.
 *
 * Plain arithmetic, no range checks: the server checks what it receives
 * (timestampToMs and durationToMs in server/grpc/convert.ts wrap these).
 * Sub-millisecond nanos are dropped (towards zero).
 */

/** A Timestamp or Duration: int64 seconds arrive as strings (longs: String); one built in code may hold a number or a Long. */
export interface ProtoSecondsNanos {
  seconds?: string | number | Long | null;
  nanos?: number | null;
}

function secondsOf(message: ProtoSecondsNanos): number {
  const { seconds } = message;
  return typeof seconds === 'object' && seconds !== null ? seconds.toNumber() : Number(seconds ?? 0);
}

/** Milliseconds since the epoch -> Timestamp (null stays null). */
export function msToTimestamp(ms: number): Timestamp;
export function msToTimestamp(ms: number | null): Timestamp | null;
export function msToTimestamp(ms: number | null): Timestamp | null {
  if (ms === null) return null;
  const seconds = Math.floor(ms / 1000);
  return { seconds: String(seconds), nanos: (ms - seconds * 1000) * 1e6 };
}

/** Timestamp -> milliseconds since the epoch (an unset one is null). */
export function timestampMs(ts: ProtoSecondsNanos): number;
export function timestampMs(ts: ProtoSecondsNanos | null | undefined): number | null;
export function timestampMs(ts: ProtoSecondsNanos | null | undefined): number | null {
  if (!ts) return null;
  // nanos of a Timestamp are never negative, so this rounds towards zero too.
  return secondsOf(ts) * 1000 + Math.floor((ts.nanos ?? 0) / 1e6);
}

/** Milliseconds -> Duration (null stays null). Seconds and nanos share the sign, as Duration requires. */
export function msToDuration(ms: number): Duration;
export function msToDuration(ms: number | null): Duration | null;
export function msToDuration(ms: number | null): Duration | null {
  if (ms === null) return null;
  const seconds = Math.trunc(ms / 1000);
  return { seconds: String(seconds), nanos: (ms - seconds * 1000) * 1e6 };
}

/** Duration -> milliseconds (an unset one is null). */
export function durationMs(d: ProtoSecondsNanos): number;
export function durationMs(d: ProtoSecondsNanos | null | undefined): number | null;
export function durationMs(d: ProtoSecondsNanos | null | undefined): number | null {
  if (!d) return null;
  return secondsOf(d) * 1000 + Math.trunc((d.nanos ?? 0) / 1e6);
}
