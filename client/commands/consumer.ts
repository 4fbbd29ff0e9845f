import { call, type TaskplaneClients } from '../client';
import type { Output } from '../../common/output';
import type { Consumer__Output } from '../../protos/generated/taskplane/v1/Consumer';
import type { HistoryEvent__Output } from '../../protos/generated/taskplane/v1/HistoryEvent';
import type { ListConsumersResponse__Output } from '../../protos/generated/taskplane/v1/ListConsumersResponse';
import type { ListConsumerHistoryResponse__Output } from '../../protos/generated/taskplane/v1/ListConsumerHistoryResponse';
import type { TimelineEntry__Output } from '../../protos/generated/taskplane/v1/TimelineEntry';
import { UsageError } from '../../common/exit-codes';
import {
  PAGING_OPTIONS,
  CLIENT_FLAGS_USAGE,
  details,
  formatLabels,
  formatTime,
  consumerSelector,
  nextPageHint,
  outputFor,
  parseLabels,
  parseDuration,
  parsePageSize,
  parseTime,
  parseVerb,
  readPages,
  unaryOptions,
  runVerb,
  withClients,
} from './common';

export const CONSUMER_USAGE = `taskplane consumer <verb> [flags]: the managed hosts whose agents run tasks

  register ID [--display-name NAME] [--label KEY=VALUE ...]
      Registers a consumer and prints its agent credential. The credential is
      shown only this once (the server keeps only a hash): store it in a file
      only the agent's user can read (mode 600) and give it to
      \`taskplane agent --token-file FILE\` (not --token, which shows in ps).
  get ID
  list [--label SELECTOR ...] [--id PATTERN] [--page-size N] [--page-token TOKEN] [--all]
      Consumers ordered by id, matching every --label selector term (role=web,
      role!=db, 'zone in (eu,us)', 'zone notin (us)', canary, '!canary'; one
      flag may hold several, comma-separated) and the --id glob (web-*, db-?).
      One page (100 by default) unless --all, which reads every page.
  delete ID [--force]
      Unregisters the consumer: its credential stops working and its tasks that
      have not started are canceled. Its history stays readable. Refused while
      an unpaused schedule targets the consumer by id (the error names them);
      --force deletes anyway and pauses those schedules.
  rotate-credential ID [--grace DURATION]
      Issues a new agent credential, shown only this once, and keeps the
      previous one working for --grace (default 24h; 0s ends it at once) so
      the fleet can roll. Rotating again within the grace period ends the
      older credential at once.
  revoke-credential ID [--previous-only]
      Ends the consumer's credentials at once and ends its agent's stream
      (UNAUTHENTICATED); nothing connects until rotate-credential issues a new
      one. --previous-only ends only the one kept by the last rotation.
  timeline ID [--before TIME | --after TIME | --page-token TOKEN] [--page-size N]
      Its tasks (at their creation), its history and the upcoming fires of the
      schedules that target it (each with its window, on the schedule's own
      clock), on one time axis, oldest first. One page (20 by default): the
      newest entries before --before, the oldest at or after --after, or,
      without either, centred on now. The hints under it page older or newer.
  history ID [--type TYPE ...] [--since TIME] [--until TIME]
             [--page-size N] [--page-token TOKEN] [--all]
      What happened to the consumer, newest first: events of the given types
      (e.g. registered, packages_installed), at or after --since and before
      --until.

TIME is RFC 3339, e.g. 2026-12-01T02:00:00Z, or a local date or date-time
(2026-12-01, 2026-12-01T03:00) in the local zone. Tables show times in the
local zone (--utc: UTC) and how long ago.

--output json prints the response message of the call as one JSON object
in the proto3 JSON mapping (docs/cli.md); --output jsonl prints a list one
entry a line. The shapes:
(register: {consumer, credential}; get: {consumer}; delete: {pausedScheduleIds};
rotate-credential: {credential, previousCredentialExpireTime, consumer};
revoke-credential: {consumer};
list: {consumers, nextPageToken}; history: {events, nextPageToken};
timeline: {entries, olderPageToken, newerPageToken}). With
--all, the pages are merged into one object of the same shape.

${CLIENT_FLAGS_USAGE}`;


export async function runConsumer(args: string[]): Promise<number> {
  return runVerb('consumer', args, {
    register,
    get,
    list,
    delete: remove,
    history,
    timeline,
    'rotate-credential': rotateCredential,
    'revoke-credential': revokeCredential,
  });
}

async function register(args: string[]): Promise<number> {
  const { values, positionals } = parseVerb('consumer register', args, { 'display-name': { type: 'string' }, label: { type: 'string', multiple: true } }, ['ID']);
  const out = outputFor(values);
  const request = { consumerId: positionals[0], displayName: values['display-name'] ?? '', labels: parseLabels('--label', values.label) };
  const response = await withClients(values, (c) => call(c.consumers, 'registerConsumer', request, unaryOptions()));
  out.result(response, () =>
    [
      details([...consumerDetails(response.consumer!), ['credential', response.credential]]),
      '',
      'The credential is shown only this once: store it now, in a file only the agent can read (mode 600), and give it to `taskplane agent --token-file FILE`.',
    ].join('\n'),
  );
  // In JSON mode stdout is for scripts; the warning still reaches the person running it.
  if (out.machine) process.stderr.write('note: the credential in this output is shown only this once; store it now\n');
  return 0;
}

async function get(args: string[]): Promise<number> {
  const { values, positionals } = parseVerb('consumer get', args, {}, ['ID']);
  const out = outputFor(values);
  const response = await withClients(values, (c) => call(c.consumers, 'getConsumer', { consumerId: positionals[0] }, unaryOptions()));
  out.result(response, () => details(consumerDetails(response.consumer!)));
  return 0;
}

async function list(args: string[]): Promise<number> {
  const { values } = parseVerb('consumer list', args, { label: { type: 'string', multiple: true }, id: { type: 'string' }, ...PAGING_OPTIONS });
  const out = outputFor(values);
  const request = { labelSelector: consumerSelector('--label', values.label), consumerIdPattern: values.id ?? '', pageSize: parsePageSize(values['page-size']) };
  const response = await withClients(values, (c) =>
    readPages<ListConsumersResponse__Output>(
      values['page-token'] ?? '',
      values.all ?? false,
      (pageToken) => call(c.consumers, 'listConsumers', { ...request, pageToken }, unaryOptions()),
      (pages) => ({ consumers: pages.flatMap((p) => p.consumers), nextPageToken: '' }),
    ),
  );
  out.result(response, () => consumerTable(out, response.consumers) + nextPageHint(response.nextPageToken));
  return 0;
}

async function remove(args: string[]): Promise<number> {
  const { values, positionals } = parseVerb('consumer delete', args, { force: { type: 'boolean' } }, ['ID']);
  const out = outputFor(values);
  const response = await withClients(values, (c) => call(c.consumers, 'deleteConsumer', { consumerId: positionals[0], force: values.force ?? false }, unaryOptions()));
  const paused = response.pausedScheduleIds.map((id) => `\nschedule ${id} paused: it targeted this consumer`).join('');
  out.result(response, () => `consumer ${positionals[0]} deleted; its tasks that had not started are canceled${paused}`);
  return 0;
}

async function history(args: string[]): Promise<number> {
  const { values, positionals } = parseVerb(
    'consumer history',
    args,
    { type: { type: 'string', multiple: true }, since: { type: 'string' }, until: { type: 'string' }, ...PAGING_OPTIONS },
    ['ID'],
  );
  const out = outputFor(values);
  const request = {
    consumerId: positionals[0],
    types: values.type ?? [],
    eventTimeFrom: parseTime('--since', values.since),
    eventTimeTo: parseTime('--until', values.until),
    pageSize: parsePageSize(values['page-size']),
  };
  const response = await withClients(values, (c: TaskplaneClients) =>
    readPages<ListConsumerHistoryResponse__Output>(
      values['page-token'] ?? '',
      values.all ?? false,
      (pageToken) => call(c.consumers, 'listConsumerHistory', { ...request, pageToken }, unaryOptions()),
      (pages) => ({ events: pages.flatMap((p) => p.events), nextPageToken: '' }),
    ),
  );
  out.result(response, () => historyTable(out, response.events) + nextPageHint(response.nextPageToken));
  return 0;
}

async function timeline(args: string[]): Promise<number> {
  const { values, positionals } = parseVerb(
    'consumer timeline',
    args,
    { before: { type: 'string' }, after: { type: 'string' }, 'page-size': { type: 'string' }, 'page-token': { type: 'string' } },
    ['ID'],
  );
  const out = outputFor(values);
  const anchors = (['before', 'after', 'page-token'] as const).filter((flag) => values[flag] !== undefined);
  if (anchors.length > 1) throw new UsageError(`consumer timeline: give at most one of --before, --after and --page-token, not --${anchors.join(' and --')}`);
  const request = {
    consumerId: positionals[0],
    beforeTime: parseTime('--before', values.before),
    afterTime: parseTime('--after', values.after),
    pageSize: values['page-size'] === undefined ? TIMELINE_PAGE_SIZE : parsePageSize(values['page-size']),
    pageToken: values['page-token'] ?? '',
  };
  const response = await withClients(values, (c) => call(c.consumers, 'getConsumerTimeline', request, unaryOptions()));
  out.result(response, () => timelineTable(out, response.entries) + timelinePageHints(response));
  return 0;
}

async function rotateCredential(args: string[]): Promise<number> {
  const { values, positionals } = parseVerb('consumer rotate-credential', args, { grace: { type: 'string' } }, ['ID']);
  const out = outputFor(values);
  const request = { consumerId: positionals[0], graceDuration: parseDuration('--grace', values.grace) };
  const response = await withClients(values, (c) => call(c.consumers, 'rotateConsumerCredential', request, unaryOptions()));
  const until = response.previousCredentialExpireTime ? formatTime(response.previousCredentialExpireTime) : 'no longer valid';
  out.result(response, () =>
    [
      details([['consumer', positionals[0]], ['credential', response.credential], ['previous credential', `valid until ${until}`]]),
      '',
      'The new credential is shown only this once: give it to the agent (taskplane agent --token-file) before the previous one ends.',
    ].join('\n'),
  );
  if (out.machine) process.stderr.write('note: the credential in this output is shown only this once; store it now\n');
  return 0;
}

async function revokeCredential(args: string[]): Promise<number> {
  const { values, positionals } = parseVerb('consumer revoke-credential', args, { 'previous-only': { type: 'boolean' } }, ['ID']);
  const out = outputFor(values);
  const previousOnly = values['previous-only'] ?? false;
  const response = await withClients(values, (c) => call(c.consumers, 'revokeConsumerCredential', { consumerId: positionals[0], previousOnly }, unaryOptions()));
  out.result(response, () =>
    previousOnly
      ? `the previous credential of ${positionals[0]} is revoked; the current one still works`
      : `the credentials of ${positionals[0]} are revoked and its agent's stream ends; taskplane consumer rotate-credential ${positionals[0]} issues a new one`,
  );
  return 0;
}

function consumerDetails(consumer: Consumer__Output): [string, string][] {
  return [
    ['consumer', consumer.id],
    ['display name', consumer.displayName],
    ['labels', formatLabels(consumer.labels)],
    ['created', formatTime(consumer.createTime)],
    ['online', consumer.online ? 'yes' : 'no'],
    ['last seen', consumer.lastSeenTime ? formatTime(consumer.lastSeenTime) : 'never'],
    ['agent', consumer.helloTime ? `${consumer.agentVersion || 'unknown version'} (hello at ${formatTime(consumer.helloTime)})` : 'never connected: any method is accepted'],
    ['methods', consumer.methods.join(', ')],
    ['credential', consumer.credentialRevoked ? 'revoked' : ''],
    ['previous credential', consumer.previousCredentialExpireTime ? `valid until ${formatTime(consumer.previousCredentialExpireTime)}` : ''],
  ];
}

function consumerTable(out: Output, consumers: Consumer__Output[]): string {
  if (consumers.length === 0) return 'no consumers';
  const rows = consumers.map((c) => ({ id: c.id, 'display name': c.displayName, labels: formatLabels(c.labels), online: c.online ? 'yes' : 'no', created: formatTime(c.createTime) }));
  return out.table(rows, ['id', 'display name', 'labels', 'online', 'created']);
}

function historyTable(out: Output, events: HistoryEvent__Output[]): string {
  if (events.length === 0) return 'no history events';
  const rows = events.map((e) => ({ time: formatTime(e.eventTime), type: e.type, task: e.taskId, details: e.detailsJson === '{}' ? '' : e.detailsJson }));
  return out.table(rows, ['time', 'type', 'task', 'details']);
}

/** A page of the timeline is a screenful, not the 100 rows other lists default to. */
const TIMELINE_PAGE_SIZE = 20;

function timelineTable(out: Output, entries: TimelineEntry__Output[]): string {
  if (entries.length === 0) return 'nothing on the timeline here';
  const rows = entries.map((e) => ({ time: formatTime(e.time), ...timelineColumns(e) }));
  return out.table(rows, ['time', 'kind', 'what', 'state', 'details']);
}

function timelineColumns(entry: TimelineEntry__Output): Record<string, string> {
  if (entry.task) {
    const t = entry.task;
    const ended = t.endTime ? `ended ${formatTime(t.endTime)}` : t.notBeforeTime ? `not before ${formatTime(t.notBeforeTime)}` : '';
    return { kind: 'task', what: `${t.method} ${t.id}`, state: t.state.replace(/^TASK_STATE_/, ''), details: ended };
  }
  if (entry.historyEvent) {
    const h = entry.historyEvent;
    return { kind: 'history', what: h.type, state: '', details: [h.taskId && `task ${h.taskId}`, h.detailsJson === '{}' ? '' : h.detailsJson].filter(Boolean).join(' ') };
  }
  const f = entry.upcomingFire!;
  const local = f.fire?.windowEndTimeLocal ? `${f.fire.fireTimeLocal} until ${f.fire.windowEndTimeLocal}` : `${f.fire?.fireTimeLocal ?? ''}`;
  return { kind: 'fire', what: `${f.method} schedule ${f.scheduleId}`, state: 'upcoming', details: `${local} (${f.timeZone})` };
}

function timelinePageHints(page: { olderPageToken: string; newerPageToken: string }): string {
  const hints = [page.olderPageToken && `older: --page-token ${page.olderPageToken}`, page.newerPageToken && `newer: --page-token ${page.newerPageToken}`].filter(Boolean);
  return hints.length ? `\n(${hints.join('; ')})` : '';
}
