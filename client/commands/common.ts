import type * as grpc from '@grpc/grpc-js';
import fs from 'node:fs';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { connect, type TaskplaneClients } from '../client';
import { UsageError } from '../../common/exit-codes';
import { Output, outputFormat } from '../../common/output';
import type { Timestamp } from '../../protos/generated/google/protobuf/Timestamp';
import type { Duration } from '../../protos/generated/google/protobuf/Duration';
import { durationMs, msToDuration, msToTimestamp, timestampMs, type ProtoSecondsNanos } from '../../common/proto-time';
import { formatInZone } from '../../common/cron-schedule';
import { durationTextMs } from '../../common/duration-text';
import { localTimeZone, parseTimeText } from '../../common/time-text';
import { protoTypeOf, tagProtoType } from '../../common/proto-json';

/**
 * What the `consumer`, `task` and `schedule` verbs share: flag parsing that turns every
 * mistake into a UsageError naming the flag, the client connection, and the
 * conversions between command-line text and proto fields.
 */

/** Every unary call gets this deadline, so a dead or stuck server ends in exit code 5 instead of a hang. */
export const CALL_DEADLINE_MS = 30_000;

export const CLIENT_FLAGS_USAGE = `Client flags (every verb):
  --server ADDRESS     TASKPLANE_SERVER, default 127.0.0.1:50051; host:port,
                       dns:host:port, https://host:port (TLS) or http://host:port
  --token-file PATH    TASKPLANE_TOKEN_FILE; or the token itself in TASKPLANE_TOKEN:
                       the API token every call needs (taskplane token --help)
  --tls-ca FILE        TASKPLANE_TLS_CA: trust this CA (turns TLS on)
  --tls-cert FILE      TASKPLANE_CLIENT_TLS_CERT, with --tls-key FILE
                       (TASKPLANE_CLIENT_TLS_KEY): this client's certificate,
                       for a server that requires mutual TLS
  --output FORMAT      TASKPLANE_OUTPUT: table (default), json (one object in the
                       proto3 JSON mapping) or jsonl (one object a line: each
                       entry of a list, each event of a watch)
  --utc                show times in UTC, not the local time zone (TZ)`;

type Options = NonNullable<ParseArgsConfig['options']>;
type ParsedValues<O extends Options> = ReturnType<typeof parseArgs<{ args: string[]; options: O; strict: true; allowPositionals: true }>>['values'];

const CLIENT_OPTIONS = {
  server: { type: 'string' },
  output: { type: 'string' },
  'token-file': { type: 'string' },
  'tls-ca': { type: 'string' },
  'tls-cert': { type: 'string' },
  'tls-key': { type: 'string' },
  utc: { type: 'boolean' },
} as const satisfies Options;

/** --page-size, --page-token and --all, for every list verb (see readPages). */
export const PAGING_OPTIONS = {
  'page-size': { type: 'string' },
  'page-token': { type: 'string' },
  all: { type: 'boolean' },
} as const satisfies Options;

export interface ClientFlags {
  server?: string;
  output?: string;
  'token-file'?: string;
  'tls-ca'?: string;
  'tls-cert'?: string;
  'tls-key'?: string;
  utc?: boolean;
}

/**
 * Parses one verb's arguments: its own flags plus the client flags, and
 * exactly the positionals named in `positionalNames` (e.g. ["ID"]); a name
 * in brackets ("[ID]") may be left out. `command` ("task get") is used in
 * messages.
 */
export function parseVerb<O extends Options>(
  command: string,
  args: string[],
  options: O,
  positionalNames: string[] = [],
): { values: ParsedValues<O & typeof CLIENT_OPTIONS>; positionals: string[] } {
  let parsed;
  try {
    parsed = parseArgs({ args, options: { ...options, ...CLIENT_OPTIONS }, strict: true, allowPositionals: true });
  } catch (err) {
    throw usageErrorFromParseArgs(command, err);
  }
  const { positionals } = parsed;
  refuseEmptyValues(command, parsed.values);
  const required = positionalNames.filter((name) => !name.startsWith('['));
  if (positionals.length < required.length) {
    throw new UsageError(`${command} needs ${required.slice(positionals.length).join(' ')}; see taskplane ${command.split(' ')[0]} --help`);
  }
  if (positionals.length > positionalNames.length) {
    throw new UsageError(`${command}: unexpected argument "${positionals[positionalNames.length]}"`);
  }
  return { values: parsed.values as any, positionals };
}

/** `--consumer ""` is a mistake (an unset variable in a script), not a way to leave a flag out: refused, naming the flag. */
function refuseEmptyValues(command: string, values: Record<string, unknown>): void {
  for (const [name, value] of Object.entries(values)) {
    const texts = Array.isArray(value) ? value : [value];
    if (texts.some((text) => typeof text === 'string' && text.trim() === '')) throw new UsageError(`${command}: --${name} needs a value, not an empty string`);
  }
}

// node:util's messages are long and mention internals; keep the flag, drop the rest.
function usageErrorFromParseArgs(command: string, err: unknown): Error {
  const e = err as { code?: string; message?: string };
  const flag = /'(-[^' ]+)/.exec(e.message ?? '')?.[1];
  switch (e.code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return new UsageError(`${command}: unknown flag ${flag ?? e.message}; see taskplane ${command.split(' ')[0]} --help`);
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      if (/does not take an argument/.test(e.message ?? '')) return new UsageError(`${command}: flag ${flag} takes no value`);
      // "ambiguous": the next word starts with "-", so parseArgs will not take it as the value.
      if (/ambiguous/.test(e.message ?? '')) return new UsageError(`${command}: flag ${flag} needs a value; for one starting with "-" write ${flag}=VALUE`);
      return new UsageError(`${command}: flag ${flag ?? e.message} needs a value`);
    default:
      return err as Error;
  }
}

export function outputFor(flags: ClientFlags): Output {
  shownTimeZone = flags.utc ? 'UTC' : localTimeZone();
  return new Output(outputFormat(flags.output));
}

/** Runs `body` with clients for --server (or TASKPLANE_SERVER), the API token and TLS from flags or environment, and always closes them. */
export async function withClients<T>(flags: ClientFlags, body: (clients: TaskplaneClients) => Promise<T>): Promise<T> {
  const env = process.env;
  // connect() falls back to TASKPLANE_SERVER, then 127.0.0.1:50051.
  const clients = connect(flags.server, {
    token: apiToken(flags),
    tls: {
      caFile: flags['tls-ca'] ?? env.TASKPLANE_TLS_CA ?? null,
      certFile: flags['tls-cert'] ?? env.TASKPLANE_CLIENT_TLS_CERT ?? null,
      keyFile: flags['tls-key'] ?? env.TASKPLANE_CLIENT_TLS_KEY ?? null,
    },
  });
  try {
    return await body(clients);
  } finally {
    clients.close();
  }
}

/** --token-file, then TASKPLANE_TOKEN, then TASKPLANE_TOKEN_FILE (never a flag with the token itself: it would show in ps). */
function apiToken(flags: ClientFlags): string | null {
  const env = process.env;
  if (flags['token-file']) return readTokenFile('--token-file', flags['token-file']);
  if (env.TASKPLANE_TOKEN?.trim()) return env.TASKPLANE_TOKEN.trim();
  return env.TASKPLANE_TOKEN_FILE ? readTokenFile('TASKPLANE_TOKEN_FILE', env.TASKPLANE_TOKEN_FILE) : null;
}

function readTokenFile(flag: string, file: string): string {
  try {
    return fs.readFileSync(file, 'utf8').trim();
  } catch (err) {
    throw new UsageError(`${flag} ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}

export function unaryOptions(): grpc.CallOptions {
  return { deadline: Date.now() + CALL_DEADLINE_MS };
}

/** Splits a verb from its arguments, refusing a missing or unknown verb. */
export function verbOf(command: string, args: string[], verbs: readonly string[]): [string, string[]] {
  const [verb, ...rest] = args;
  if (!verb) throw new UsageError(`${command} needs a verb: ${verbs.join(', ')}; see taskplane ${command} --help`);
  if (!verbs.includes(verb)) throw new UsageError(`unknown ${command} verb "${verb}"; expected one of ${verbs.join(', ')}`);
  return [verb, rest];
}

/** Runs the handler of the verb in args[0] ("task get ..." -> verbs.get(rest)). */
export function runVerb(command: string, args: string[], verbs: Record<string, (rest: string[]) => Promise<number>>): Promise<number> {
  const [verb, rest] = verbOf(command, args, Object.keys(verbs));
  return verbs[verb](rest);
}

// ---- command-line text -> proto fields ----

/** ["role=web", "zone=eu"] -> {role: "web", zone: "eu"}; the server checks the keys and values. */
export function parseLabels(flag: string, terms: string[] = []): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const term of terms) {
    const eq = term.indexOf('=');
    if (eq <= 0) throw new UsageError(`${flag} "${term}" is not of the form key=value`);
    const key = term.slice(0, eq);
    if (key in labels) throw new UsageError(`${flag} "${key}" is given twice`);
    labels[key] = term.slice(eq + 1);
  }
  return labels;
}

/** Label selectors go to the server as "key=value" strings; checked here only for shape. */
export function labelSelector(flag: string, terms: string[] = []): string[] {
  parseLabels(flag, terms);
  return terms;
}

/**
 * Consumer selectors ("role=web", "zone in (eu,us)", "!canary", several
 * per flag separated by commas) go to the server as given: its one parser
 * checks them and names the term that is wrong.
 */
export function consumerSelector(flag: string, terms: string[] = []): string[] {
  for (const term of terms) if (!term.trim()) throw new UsageError(`${flag} is empty`);
  return terms;
}

/**
 * --canary N, --wave N or N%, --max-failures N% as a RolloutPolicy, or null
 * when none is given. The server checks the numbers.
 */
export function rolloutPolicy(values: { canary?: string; wave?: string; 'max-failures'?: string }): { canaryCount: number; waveSize: number; wavePercent: number; maxFailurePercent: number } | null {
  if (values.canary === undefined && values.wave === undefined && values['max-failures'] === undefined) return null;
  const whole = (flag: string, text: string) => {
    if (!/^\d+$/.test(text)) throw new UsageError(`${flag} must be a whole number, not "${text}"`);
    return Number(text);
  };
  const wave = values.wave ?? '';
  const percent = wave.endsWith('%');
  const failures = values['max-failures'];
  if (failures !== undefined && !failures.endsWith('%')) throw new UsageError(`--max-failures must be a percentage such as 10%, not "${failures}"`);
  return {
    canaryCount: values.canary === undefined ? 0 : whole('--canary', values.canary),
    waveSize: wave && !percent ? whole('--wave', wave) : 0,
    wavePercent: percent ? whole('--wave', wave.slice(0, -1)) : 0,
    maxFailurePercent: failures === undefined ? 0 : whole('--max-failures', failures.slice(0, -1)),
  };
}

/**
 * Time text -> Timestamp, strictly (common/time-text.ts): RFC 3339 with an
 * offset, or a date or date-time on the wall clock of `timeZone` (default
 * the local zone).
 */
export function parseTime(flag: string, text: string | undefined, timeZone?: string): Timestamp | null {
  if (text === undefined) return null;
  const parsed = parseTimeText(text, timeZone);
  if ('error' in parsed) throw new UsageError(`${flag} "${text}" ${parsed.error}`);
  return msToTimestamp(parsed.ms);
}

/**
 * Of flags that set the same thing in different ways (e.g. --not-before,
 * --at and --in), at most one may be given: returns it (or null), and
 * refuses two naming both.
 */
export function atMostOne(command: string, what: string, flags: Record<string, string | undefined>): [string, string] | null {
  const given = Object.entries(flags).filter((entry): entry is [string, string] => entry[1] !== undefined);
  if (given.length > 1) {
    const names = given.map(([flag]) => flag);
    throw new UsageError(`${command}: ${names.slice(0, -1).join(', ')} and ${names[names.length - 1]} ${names.length === 2 ? 'both' : 'all'} set ${what}; give only one`);
  }
  return given[0] ?? null;
}

/** A flag taking one of a few words, in any case: "Skip" -> "skip". */
export function parseChoice<T extends string>(flag: string, text: string | undefined, choices: readonly T[]): T | undefined {
  if (text === undefined) return undefined;
  const word = text.trim().toLowerCase().replace(/_/g, '-') as T;
  if (!choices.includes(word)) throw new UsageError(`${flag} must be one of ${choices.join(', ')}, not "${text}"`);
  return word;
}

/**
 * --args JSON or --args-file PATH ("-" for stdin) -> arguments_json: a JSON
 * object, as given; "" (the server's "{}") when neither is given.
 */
export function argumentsJson(inline: string | undefined, file: string | undefined): string {
  if (inline !== undefined && file !== undefined) throw new UsageError('give --args or --args-file, not both');
  const [flag, text] = file !== undefined ? ['--args-file', readArgumentsFile(file)] : ['--args', inline];
  if (text === undefined) return '';
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new UsageError(`${flag} is not valid JSON: ${(err as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new UsageError(`${flag} must be a JSON object, e.g. {"packages":["zsh"]}`);
  return text;
}

function readArgumentsFile(path: string): string {
  try {
    return fs.readFileSync(path === '-' ? 0 : path, 'utf8');
  } catch (err) {
    throw new UsageError(`--args-file ${path}: ${(err as Error).message}`);
  }
}

const UNIT_SECONDS: Record<string, number> = { d: 86_400, h: 3_600, m: 60, s: 1 };

/** "30s", "5m", "1h30m", "2d" -> Duration. The server enforces the allowed range. */
export function parseDuration(flag: string, text: string | undefined): Duration | null {
  if (text === undefined) return null;
  const ms = durationTextMs(text);
  if (ms === null) throw new UsageError(`${flag} "${text}" is not a duration like 30s, 5m, 1h or 1h30m`);
  return msToDuration(ms);
}

/** --page-size: 1 to 1000 (the server's limit), or unset for the server's default. */
export function parsePageSize(text: string | undefined): number {
  if (text === undefined) return 0;
  const n = Number(text);
  if (!/^\d+$/.test(text) || n < 1 || n > 1000) throw new UsageError(`--page-size must be a whole number from 1 to 1000, not "${text}"`);
  return n;
}

// ---- proto fields -> readable text ----

// The zone times are shown in: the local one (TZ), or UTC with --utc (set by outputFor).
let shownTimeZone = localTimeZone();

/** Timestamp -> "2026-12-01T03:00:00+01:00 (in 10 m)" in the shown zone (local, or UTC with --utc), or "" when unset. */
export function formatTime(ts: ProtoSecondsNanos | null | undefined, now = Date.now()): string {
  if (!ts) return '';
  return `${formatClock(ts)} (${relativeTime(timestampMs(ts), now)})`;
}

/** Timestamp -> "2026-12-01T03:00:00+01:00" in the shown zone ("...Z" at offset zero), or "" when unset: for lines printed as things happen. */
export function formatClock(ts: ProtoSecondsNanos | null | undefined): string {
  if (!ts) return '';
  return formatInZone(timestampMs(ts), shownTimeZone).replace(/\+00:00$/, 'Z');
}

/** "in 10 m", "3 s ago", "now": how far `ms` is from `now`, in the largest whole unit. */
export function relativeTime(ms: number, now = Date.now()): string {
  const seconds = Math.round((ms - now) / 1000);
  if (seconds === 0) return 'now';
  const abs = Math.abs(seconds);
  const [amount, unit] = abs < 60 ? [abs, 's'] : abs < 3600 ? [Math.floor(abs / 60), 'm'] : abs < 86_400 ? [Math.floor(abs / 3600), 'h'] : [Math.floor(abs / 86_400), 'd'];
  return seconds > 0 ? `in ${amount} ${unit}` : `${amount} ${unit} ago`;
}

/** How long from `from` to `to` (or to now while unfinished): "1m5s", "" if it never started. */
export function formatSpan(from: ProtoSecondsNanos | null | undefined, to: ProtoSecondsNanos | null | undefined, now = Date.now()): string {
  if (!from) return '';
  return formatDuration(msToDuration(Math.max(0, (to ? timestampMs(to) : now) - timestampMs(from))));
}

/** Timestamp -> "2026-03-29T03:00:00+02:00" on the wall clock of `timeZone`, or "" when unset. */
export function formatLocalTime(ts: ProtoSecondsNanos | null | undefined, timeZone: string): string {
  if (!ts) return '';
  return formatInZone(timestampMs(ts), timeZone || 'UTC');
}

/** Duration -> "1h30m", "45s". */
export function formatDuration(d: ProtoSecondsNanos | null | undefined): string {
  if (!d) return '';
  let rest = Math.trunc(durationMs(d) / 1000);
  if (rest === 0) return '0s';
  let text = '';
  for (const [unit, size] of Object.entries(UNIT_SECONDS)) {
    const amount = Math.floor(rest / size);
    if (amount) text += `${amount}${unit}`;
    rest -= amount * size;
  }
  return text;
}

export function formatLabels(labels: Record<string, string> | null | undefined): string {
  return Object.entries(labels ?? {})
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
}

/** Aligned "key: value" lines for one object; empty values are left out. */
export function details(pairs: [string, string][]): string {
  const shown = pairs.filter(([, value]) => value !== '');
  const width = Math.max(...shown.map(([key]) => key.length));
  return shown.map(([key, value]) => `${`${key}:`.padEnd(width + 2)}${value}`).join('\n');
}

/** The hint printed under a table when there are more pages. */
export function nextPageHint(token: string): string {
  return token ? `\n(more: --page-token ${token}, or --all)` : '';
}

/**
 * Fetches pages until the last one (--all) or just one, and merges them into
 * one response of the same shape with an empty next_page_token when --all
 * read to the end.
 */
export async function readPages<Page extends { nextPageToken: string }>(
  firstToken: string,
  all: boolean,
  fetchPage: (pageToken: string) => Promise<Page>,
  merge: (pages: Page[]) => Page,
): Promise<Page> {
  const pages: Page[] = [];
  let token = firstToken;
  do {
    const page = await fetchPage(token);
    pages.push(page);
    token = page.nextPageToken;
  } while (all && token);
  // The merged page keeps the proto type of the pages, so --output json still follows the mapping.
  return pages.length === 1 ? pages[0] : tagProtoType(merge(pages), protoTypeOf(pages[0]) ?? '');
}
