import assert from 'node:assert/strict';
import * as grpc from '@grpc/grpc-js';
import { call, connect, type TaskplaneClients } from '../client/client';
import { describeOnEachStore, type TestServer } from './helpers/server';

/**
 * Guarantee 7 (clear refusals), end to end: every malformed request to every
 * method of TaskService and ConsumerService gets the exact gRPC status, a
 * message that names the offending field, and writes nothing to the store.
 *
 * Each case is one row of the tables below. For every row the test
 * snapshots the store (row counts of the six tables, plus the mutable
 * columns of tasks and consumers), sends the request, checks code and
 * message, and checks that the snapshot did not move.
 */

// ---------------------------------------------------------------- fixtures

interface Fixtures {
  /** WAITING, on web-1, created with idempotency key FIXTURE_KEY and FIXTURE_REQUEST. */
  keyedTaskId: string;
  /** WAITING, on web-1. */
  waitingTaskId: string;
  /** WAITING, on web-1; only the "look-alike id" CancelTask case aims at it. */
  victimTaskId: string;
  /** CANCELED (terminal). */
  endedTaskId: string;
  /** next_page_token of ListTasks {page_size: 1}. */
  tasksToken: string;
  /** next_page_token of ListConsumers {page_size: 1}. */
  consumersToken: string;
  /** next_page_token of ListConsumerHistory {consumer_id: gone-1, page_size: 1}. */
  historyToken: string;
}

const FIXTURE_KEY = 'fixture-key';
const FIXTURE_REQUEST = { consumerId: 'web-1', method: 'packages.install', argumentsJson: '{"packages":["zsh"]}' };
const UNKNOWN_TASK_ID = '00000000-0000-4000-8000-000000000000';

const HOUR = 3600_000;
const MAX_MESSAGE_BYTES = 8 * 1024 * 1024;
const OVERSIZED = MAX_MESSAGE_BYTES + 512 * 1024;
/** Longer than any id could be, and long enough that echoing it into the status wedges the HTTP/2 connection. */
const HUGE = 200_000;
/** Status messages may quote what was sent, but never unboundedly. */
const MAX_DETAILS_LENGTH = 4096;

const CALL_DEADLINE_MS = 10_000;
/** For requests that may wedge a connection: a healthy server answers any of them in milliseconds. */
const ISOLATED_DEADLINE_MS = 1_000;

async function createFixtures(clients: TaskplaneClients): Promise<Fixtures> {
  const opts = () => ({ deadline: Date.now() + CALL_DEADLINE_MS });
  await call(clients.consumers, 'registerConsumer', { consumerId: 'web-1', labels: { role: 'build' } }, opts());
  await call(clients.consumers, 'registerConsumer', { consumerId: 'web-2', labels: { role: 'test' } }, opts());
  await call(clients.consumers, 'registerConsumer', { consumerId: 'gone-1' }, opts());
  await call(clients.consumers, 'deleteConsumer', { consumerId: 'gone-1' }, opts());

  const keyed = await call(clients.tasks, 'createTask', { ...FIXTURE_REQUEST, idempotencyKey: FIXTURE_KEY, labels: { role: 'build' } }, opts());
  const waiting = await call(clients.tasks, 'createTask', { consumerId: 'web-1', method: 'packages.update' }, opts());
  const victim = await call(clients.tasks, 'createTask', { consumerId: 'web-1', method: 'packages.update' }, opts());
  const ended = await call(clients.tasks, 'createTask', { consumerId: 'web-2', method: 'system.info' }, opts());
  const canceled = await call(clients.tasks, 'cancelTask', { taskId: ended.task!.id }, opts());
  assert.equal(canceled.task!.state, 'TASK_STATE_CANCELED');
  assert.equal(waiting.task!.state, 'TASK_STATE_WAITING');

  const tasksPage = await call(clients.tasks, 'listTasks', { pageSize: 1 }, opts());
  const consumersPage = await call(clients.consumers, 'listConsumers', { pageSize: 1 }, opts());
  const historyPage = await call(clients.consumers, 'listConsumerHistory', { consumerId: 'gone-1', pageSize: 1 }, opts());
  for (const token of [tasksPage.nextPageToken, consumersPage.nextPageToken, historyPage.nextPageToken]) assert.ok(token, 'fixture page token');

  return {
    keyedTaskId: keyed.task!.id,
    waitingTaskId: waiting.task!.id,
    victimTaskId: victim.task!.id,
    endedTaskId: ended.task!.id,
    tasksToken: tasksPage.nextPageToken,
    consumersToken: consumersPage.nextPageToken,
    historyToken: historyPage.nextPageToken,
  };
}

// ------------------------------------------------------- store snapshots

const TABLES = ['tasks', 'task_labels', 'task_events', 'consumers', 'consumer_labels', 'consumer_history'] as const;

/** Row counts of every table, plus the columns a refused request could have changed in place. */
async function snapshot(t: TestServer): Promise<unknown> {
  const knex = t.server.db.knex;
  const counts: Record<string, number> = {};
  for (const table of TABLES) {
    const [row] = await knex(table).count({ n: '*' });
    counts[table] = Number(row.n);
  }
  const tasks = await knex('tasks').select('id', 'state', 'update_time', 'cancel_requested_time').orderBy('seq');
  const consumers = await knex('consumers').select('id', 'display_name', 'labels_json', 'credential_hash').orderBy('id');
  return {
    counts,
    tasks: tasks.map((r: Record<string, unknown>) => `${r.id} ${r.state} ${r.update_time} ${r.cancel_requested_time}`),
    consumers: consumers.map((r: Record<string, unknown>) => `${r.id} ${r.display_name} ${r.labels_json} ${r.credential_hash}`),
  };
}

// ------------------------------------------------------------ the table

interface Ctx {
  clients: TaskplaneClients;
  fx: Fixtures;
  deadlineMs: number;
}

type Rpc = (ctx: Ctx) => Promise<unknown>;

interface Case {
  name: string;
  rpc: Rpc;
  /** The exact status; a list only where two codes are equally right (said why at the case). */
  code: grpc.status | grpc.status[];
  /** What the status message must match: the offending field, as "<field>: <problem>". */
  names: RegExp | ((fx: Fixtures) => RegExp);
  /** Run on a fresh connection with a short deadline: the request may wedge the connection it travels on. */
  isolated?: boolean;
  /** Sent by a client without taskplane's own 8 MiB send limit (as any gRPC client may be), so the server's limit is what refuses it. */
  unlimitedSend?: boolean;
}

type Req = Record<string, unknown>;
type ReqOf = Req | ((fx: Fixtures) => Req);

function resolve(request: ReqOf, fx: Fixtures): Req {
  return typeof request === 'function' ? request(fx) : request;
}

function unary(service: 'tasks' | 'consumers', method: string, request: ReqOf): Rpc {
  return (ctx) => call(ctx.clients[service] as any, method, resolve(request, ctx.fx) as never, { deadline: Date.now() + ctx.deadlineMs });
}

const createTask = (r: ReqOf) => unary('tasks', 'createTask', r);
const batchCreate = (r: ReqOf) => unary('tasks', 'batchCreateTasks', r);
const getTask = (r: ReqOf) => unary('tasks', 'getTask', r);
const listTasks = (r: ReqOf) => unary('tasks', 'listTasks', r);
const cancelTask = (r: ReqOf) => unary('tasks', 'cancelTask', r);
const registerConsumer = (r: ReqOf) => unary('consumers', 'registerConsumer', r);
const getConsumer = (r: ReqOf) => unary('consumers', 'getConsumer', r);
const listConsumers = (r: ReqOf) => unary('consumers', 'listConsumers', r);
const deleteConsumer = (r: ReqOf) => unary('consumers', 'deleteConsumer', r);
const listHistory = (r: ReqOf) => unary('consumers', 'listConsumerHistory', r);

/** WatchTask (server streaming): resolves with the events if the stream ends OK, rejects with the stream's error. */
function watchTask(r: ReqOf): Rpc {
  return (ctx) =>
    new Promise((resolvePromise, reject) => {
      const stream = ctx.clients.tasks.watchTask(resolve(r, ctx.fx) as never, { deadline: Date.now() + ctx.deadlineMs });
      const events: unknown[] = [];
      stream.on('data', (message: unknown) => events.push(message));
      stream.on('error', reject);
      stream.on('status', (status: grpc.StatusObject) => {
        if (status.code === grpc.status.OK) resolvePromise(events);
      });
    });
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The message starts with the field path, as InvalidArgumentError, NotFoundError and AlreadyExistsError write it: "<field>: <problem>". */
function field(path: string): RegExp {
  return new RegExp(`^${escapeRegExp(path)}: `);
}

const ts = (ms: number) => ({ seconds: String(Math.floor(ms / 1000)), nanos: (((ms % 1000) + 1000) % 1000) * 1e6 });
const inHours = (h: number) => ts(Date.now() + h * HOUR);
const good = (over: Req = {}): Req => ({ consumerId: 'web-1', method: 'packages.install', argumentsJson: '{"packages":["vim"]}', ...over });
const manyLabels = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, 'v']));
const manySelectors = (n: number) => Array.from({ length: n }, (_, i) => `k${i}=v`);
/** A JSON object at most 64 KiB long, nested far deeper than any real argument list. */
const deeplyNested = (depth: number) => `{"a":${'['.repeat(depth)}${']'.repeat(depth)}}`;
/** Valid-looking batch entries with distinct contents. */
const goodEntries = (n: number) => Array.from({ length: n }, (_, i) => good({ argumentsJson: JSON.stringify({ packages: [`pkg${i}`] }) }));
const batchWith = (n: number, index: number, bad: Req) => ({ requests: goodEntries(n).map((e, i) => (i === index ? { ...e, ...bad } : e)) });

function flip(s: string, i: number): string {
  return s.slice(0, i) + (s[i] === 'A' ? 'B' : 'A') + s.slice(i + 1);
}
const signature = (token: string) => token.slice(token.indexOf('.') + 1);
const forgedToken = (payload: unknown, sig: string) => `${Buffer.from(JSON.stringify(payload)).toString('base64url')}.${sig}`;

const { INVALID_ARGUMENT, NOT_FOUND, ALREADY_EXISTS, FAILED_PRECONDITION, RESOURCE_EXHAUSTED } = grpc.status;
const TOO_LARGE = /larger than max/i;

const CASES: Record<string, Case[]> = {
  CreateTask: [
    // consumer_id
    { name: 'consumer_id missing', rpc: createTask(good({ consumerId: '' })), code: INVALID_ARGUMENT, names: field('consumer_id') },
    { name: 'consumer_id with upper case', rpc: createTask(good({ consumerId: 'Web-1' })), code: INVALID_ARGUMENT, names: field('consumer_id') },
    { name: 'consumer_id with a space', rpc: createTask(good({ consumerId: 'web 1' })), code: INVALID_ARGUMENT, names: field('consumer_id') },
    { name: 'consumer_id of 64 characters', rpc: createTask(good({ consumerId: 'w'.repeat(64) })), code: INVALID_ARGUMENT, names: field('consumer_id') },
    { name: 'unknown consumer', rpc: createTask(good({ consumerId: 'nobody' })), code: NOT_FOUND, names: /^consumer_id: .*"nobody"/ },
    { name: 'unregistered (deleted) consumer', rpc: createTask(good({ consumerId: 'gone-1' })), code: NOT_FOUND, names: /^consumer_id: .*"gone-1"/ },
    // method
    { name: 'method missing', rpc: createTask(good({ method: '' })), code: INVALID_ARGUMENT, names: field('method') },
    { name: 'method without a dot', rpc: createTask(good({ method: 'packagesinstall' })), code: INVALID_ARGUMENT, names: field('method') },
    { name: 'method with two dots', rpc: createTask(good({ method: 'packages.install.now' })), code: INVALID_ARGUMENT, names: field('method') },
    { name: 'method class with a leading digit', rpc: createTask(good({ method: '1packages.install' })), code: INVALID_ARGUMENT, names: field('method') },
    { name: 'method name with a leading digit', rpc: createTask(good({ method: 'packages.1install' })), code: INVALID_ARGUMENT, names: field('method') },
    { name: 'method with a space inside', rpc: createTask(good({ method: 'packages. install' })), code: INVALID_ARGUMENT, names: field('method') },
    { name: 'method with surrounding spaces', rpc: createTask(good({ method: ' packages.install ' })), code: INVALID_ARGUMENT, names: field('method') },
    { name: 'method with an empty name', rpc: createTask(good({ method: 'packages.' })), code: INVALID_ARGUMENT, names: field('method') },
    { name: 'method with an empty class', rpc: createTask(good({ method: '.install' })), code: INVALID_ARGUMENT, names: field('method') },
    { name: 'method class of 64 characters', rpc: createTask(good({ method: `${'p'.repeat(64)}.install` })), code: INVALID_ARGUMENT, names: field('method') },
    { name: 'method with a non-ASCII letter', rpc: createTask(good({ method: 'pâckages.install' })), code: INVALID_ARGUMENT, names: field('method') },
    // arguments_json
    { name: 'arguments not JSON', rpc: createTask(good({ argumentsJson: '{packages: zsh}' })), code: INVALID_ARGUMENT, names: field('arguments_json') },
    { name: 'arguments a JSON array', rpc: createTask(good({ argumentsJson: '["zsh"]' })), code: INVALID_ARGUMENT, names: field('arguments_json') },
    { name: 'arguments JSON null', rpc: createTask(good({ argumentsJson: 'null' })), code: INVALID_ARGUMENT, names: field('arguments_json') },
    { name: 'arguments a JSON string', rpc: createTask(good({ argumentsJson: '"zsh"' })), code: INVALID_ARGUMENT, names: field('arguments_json') },
    { name: 'arguments a JSON number', rpc: createTask(good({ argumentsJson: '42' })), code: INVALID_ARGUMENT, names: field('arguments_json') },
    { name: 'arguments with trailing garbage', rpc: createTask(good({ argumentsJson: '{"a":1} {"b":2}' })), code: INVALID_ARGUMENT, names: field('arguments_json') },
    { name: 'arguments larger than 64 KiB', rpc: createTask(good({ argumentsJson: `{"a":"${'x'.repeat(64 * 1024)}"}` })), code: INVALID_ARGUMENT, names: field('arguments_json') },
    { name: 'arguments nested 20000 deep (under 64 KiB)', rpc: createTask(good({ argumentsJson: deeplyNested(20_000) })), code: INVALID_ARGUMENT, names: field('arguments_json') },
    // window
    { name: 'window that ends before it starts', rpc: createTask(good({ notBeforeTime: inHours(2), notAfterTime: inHours(1) })), code: INVALID_ARGUMENT, names: field('not_after_time') },
    { name: 'window that ends when it starts', rpc: createTask(() => { const t = inHours(1); return good({ notBeforeTime: t, notAfterTime: t }); }), code: INVALID_ARGUMENT, names: field('not_after_time') },
    { name: 'not_after in the past', rpc: createTask(good({ notAfterTime: inHours(-1) })), code: INVALID_ARGUMENT, names: field('not_after_time') },
    { name: 'not_before nanos = 1e9', rpc: createTask(good({ notBeforeTime: { seconds: '1900000000', nanos: 1_000_000_000 } })), code: INVALID_ARGUMENT, names: field('not_before_time') },
    { name: 'not_before nanos negative', rpc: createTask(good({ notBeforeTime: { seconds: '1900000000', nanos: -1 } })), code: INVALID_ARGUMENT, names: field('not_before_time') },
    { name: 'not_after nanos = 2e9', rpc: createTask(good({ notAfterTime: { seconds: '4000000000', nanos: 2_000_000_000 } })), code: INVALID_ARGUMENT, names: field('not_after_time') },
    { name: 'not_before after 9999-12-31', rpc: createTask(good({ notBeforeTime: { seconds: '253402300800' } })), code: INVALID_ARGUMENT, names: field('not_before_time') },
    { name: 'not_after before 0001-01-01', rpc: createTask(good({ notAfterTime: { seconds: '-62135596801' } })), code: INVALID_ARGUMENT, names: field('not_after_time') },
    // timeout_duration
    { name: 'timeout negative', rpc: createTask(good({ timeoutDuration: { seconds: '-5' } })), code: INVALID_ARGUMENT, names: field('timeout_duration') },
    { name: 'timeout zero', rpc: createTask(good({ timeoutDuration: { seconds: '0', nanos: 0 } })), code: INVALID_ARGUMENT, names: field('timeout_duration') },
    { name: 'timeout zero-but-sub-second (0.5 s)', rpc: createTask(good({ timeoutDuration: { seconds: '0', nanos: 500_000_000 } })), code: INVALID_ARGUMENT, names: field('timeout_duration') },
    { name: 'timeout 10 years', rpc: createTask(good({ timeoutDuration: { seconds: String(10 * 365 * 86400) } })), code: INVALID_ARGUMENT, names: field('timeout_duration') },
    { name: 'timeout 7 days + 1 s', rpc: createTask(good({ timeoutDuration: { seconds: String(7 * 86400 + 1) } })), code: INVALID_ARGUMENT, names: field('timeout_duration') },
    { name: 'timeout with nanos of the other sign', rpc: createTask(good({ timeoutDuration: { seconds: '5', nanos: -1 } })), code: INVALID_ARGUMENT, names: field('timeout_duration') },
    { name: 'timeout nanos = 1e9', rpc: createTask(good({ timeoutDuration: { seconds: '5', nanos: 1_000_000_000 } })), code: INVALID_ARGUMENT, names: field('timeout_duration') },
    { name: 'timeout beyond the Duration range', rpc: createTask(good({ timeoutDuration: { seconds: '315576000001' } })), code: INVALID_ARGUMENT, names: field('timeout_duration') },
    // labels
    { name: '33 labels', rpc: createTask(good({ labels: manyLabels(33) })), code: INVALID_ARGUMENT, names: field('labels') },
    { name: 'label key with a space', rpc: createTask(good({ labels: { 'bad key': 'v' } })), code: INVALID_ARGUMENT, names: /^labels\["bad key"\]: / },
    { name: 'label key empty', rpc: createTask(good({ labels: { '': 'v' } })), code: INVALID_ARGUMENT, names: /^labels\[""\]: / },
    { name: 'label key of 64 characters', rpc: createTask(good({ labels: { ['k'.repeat(64)]: 'v' } })), code: INVALID_ARGUMENT, names: /^labels\["k+/ },
    { name: 'label key starting with "-"', rpc: createTask(good({ labels: { '-role': 'v' } })), code: INVALID_ARGUMENT, names: /^labels\["-role"\]: / },
    { name: 'label value of 256 characters', rpc: createTask(good({ labels: { role: 'v'.repeat(256) } })), code: INVALID_ARGUMENT, names: /^labels\["role"\]: / },
    { name: 'label value with a newline', rpc: createTask(good({ labels: { role: 'a\nb' } })), code: INVALID_ARGUMENT, names: /^labels\["role"\]: / },
    // idempotency_key
    { name: 'idempotency key of 256 characters', rpc: createTask(good({ idempotencyKey: 'k'.repeat(256) })), code: INVALID_ARGUMENT, names: field('idempotency_key') },
    { name: 'idempotency key with a control character', rpc: createTask(good({ idempotencyKey: 'key\u0001' })), code: INVALID_ARGUMENT, names: field('idempotency_key') },
    { name: 'idempotency key reused with different arguments', rpc: createTask({ ...FIXTURE_REQUEST, argumentsJson: '{"packages":["vim"]}', idempotencyKey: FIXTURE_KEY, labels: { role: 'build' } }), code: ALREADY_EXISTS, names: field('idempotency_key') },
    { name: 'idempotency key reused with different labels', rpc: createTask({ ...FIXTURE_REQUEST, idempotencyKey: FIXTURE_KEY }), code: ALREADY_EXISTS, names: field('idempotency_key') },
    // size
    { name: 'message larger than 8 MiB', rpc: createTask(() => good({ argumentsJson: `{"a":"${'x'.repeat(OVERSIZED)}"}` })), code: RESOURCE_EXHAUSTED, names: TOO_LARGE, unlimitedSend: true },
  ],

  BatchCreateTasks: [
    { name: 'empty list', rpc: batchCreate({ requests: [] }), code: INVALID_ARGUMENT, names: field('requests') },
    { name: '1001 entries', rpc: batchCreate({ requests: goodEntries(1001) }), code: INVALID_ARGUMENT, names: field('requests') },
    { name: 'bad method in requests[3] among good ones', rpc: batchCreate(batchWith(6, 3, { method: 'nodot' })), code: INVALID_ARGUMENT, names: field('requests[3].method') },
    { name: 'consumer_id missing in requests[0]', rpc: batchCreate(batchWith(3, 0, { consumerId: '' })), code: INVALID_ARGUMENT, names: field('requests[0].consumer_id') },
    { name: 'unknown consumer in requests[1]', rpc: batchCreate(batchWith(3, 1, { consumerId: 'nobody' })), code: NOT_FOUND, names: field('requests[1].consumer_id') },
    { name: 'bad Timestamp nanos in requests[2]', rpc: batchCreate(batchWith(4, 2, { notAfterTime: { seconds: '4000000000', nanos: -5 } })), code: INVALID_ARGUMENT, names: field('requests[2].not_after_time') },
    { name: 'not_after in the past in requests[4]', rpc: batchCreate(() => batchWith(5, 4, { notAfterTime: inHours(-1) })), code: INVALID_ARGUMENT, names: field('requests[4].not_after_time') },
    { name: 'arguments over 64 KiB in requests[5]', rpc: batchCreate(batchWith(6, 5, { argumentsJson: `{"a":"${'x'.repeat(64 * 1024)}"}` })), code: INVALID_ARGUMENT, names: field('requests[5].arguments_json') },
    { name: 'arguments nested 20000 deep in requests[2]', rpc: batchCreate(batchWith(3, 2, { argumentsJson: deeplyNested(20_000) })), code: INVALID_ARGUMENT, names: field('requests[2].arguments_json') },
    { name: 'bad label key in requests[0]', rpc: batchCreate(batchWith(2, 0, { labels: { 'bad key': 'v' } })), code: INVALID_ARGUMENT, names: /^requests\[0\]\.labels\["bad key"\]: / },
    { name: 'bad timeout in requests[999] of 1000', rpc: batchCreate(batchWith(1000, 999, { timeoutDuration: { seconds: '0', nanos: 1 } })), code: INVALID_ARGUMENT, names: field('requests[999].timeout_duration') },
    {
      name: 'duplicate idempotency keys inside one batch',
      rpc: batchCreate({ requests: goodEntries(3).map((e, i) => ({ ...e, idempotencyKey: i === 1 ? 'other-key' : 'batch-dup-key' })) }),
      code: INVALID_ARGUMENT,
      names: field('requests[2].idempotency_key'),
    },
    {
      name: 'idempotency key reused with a different request in requests[1]',
      rpc: batchCreate({ requests: [good(), { ...FIXTURE_REQUEST, method: 'packages.update', idempotencyKey: FIXTURE_KEY, labels: { role: 'build' } }, good()] }),
      code: ALREADY_EXISTS,
      names: field('requests[1].idempotency_key'),
    },
    {
      name: 'message larger than 8 MiB (entries each under 64 KiB)',
      rpc: batchCreate(() => {
        const args = JSON.stringify({ a: 'x'.repeat(60_000) });
        return { requests: Array.from({ length: Math.ceil(OVERSIZED / 60_000) }, () => good({ argumentsJson: args })) };
      }),
      code: RESOURCE_EXHAUSTED,
      names: TOO_LARGE,
      unlimitedSend: true,
    },
  ],

  GetTask: [
    { name: 'task_id missing', rpc: getTask({ taskId: '' }), code: INVALID_ARGUMENT, names: field('task_id') },
    { name: 'unknown task', rpc: getTask({ taskId: UNKNOWN_TASK_ID }), code: NOT_FOUND, names: new RegExp(`^task_id: .*${UNKNOWN_TASK_ID}`) },
    { name: 'existing id with a trailing space', rpc: getTask((fx) => ({ taskId: `${fx.keyedTaskId} ` })), code: NOT_FOUND, names: field('task_id') },
    // NOT_FOUND (an unknown id) and INVALID_ARGUMENT (no id is that long) are both right.
    { name: `task_id of ${HUGE} characters`, rpc: getTask({ taskId: 'x'.repeat(HUGE) }), code: [NOT_FOUND, INVALID_ARGUMENT], names: field('task_id'), isolated: true },
  ],

  ListTasks: [
    { name: 'unknown enum number in states (42)', rpc: listTasks({ states: [42] }), code: INVALID_ARGUMENT, names: field('states[0]') },
    { name: 'unknown enum number after a good one', rpc: listTasks({ states: ['TASK_STATE_WAITING', 42] }), code: INVALID_ARGUMENT, names: field('states[1]') },
    { name: 'TASK_STATE_UNSPECIFIED in states', rpc: listTasks({ states: ['TASK_STATE_UNSPECIFIED'] }), code: INVALID_ARGUMENT, names: field('states[0]') },
    { name: 'states with 40000 entries', rpc: listTasks({ states: Array.from({ length: 40_000 }, () => 'TASK_STATE_WAITING') }), code: INVALID_ARGUMENT, names: /^states\b/ },
    { name: 'page_size negative', rpc: listTasks({ pageSize: -1 }), code: INVALID_ARGUMENT, names: field('page_size') },
    { name: 'page_size 1001', rpc: listTasks({ pageSize: 1001 }), code: INVALID_ARGUMENT, names: field('page_size') },
    { name: 'page_size 2^31-1', rpc: listTasks({ pageSize: 2 ** 31 - 1 }), code: INVALID_ARGUMENT, names: field('page_size') },
    { name: 'page token with a flipped character in its body', rpc: listTasks((fx) => ({ pageToken: flip(fx.tasksToken, 2) })), code: INVALID_ARGUMENT, names: field('page_token') },
    { name: 'page token with a flipped character in its signature', rpc: listTasks((fx) => ({ pageToken: flip(fx.tasksToken, fx.tasksToken.length - 5) })), code: INVALID_ARGUMENT, names: field('page_token') },
    { name: 'page token truncated', rpc: listTasks((fx) => ({ pageToken: fx.tasksToken.slice(0, -4) })), code: INVALID_ARGUMENT, names: field('page_token') },
    { name: 'page token cut before its signature', rpc: listTasks((fx) => ({ pageToken: fx.tasksToken.slice(0, fx.tasksToken.indexOf('.') + 1) })), code: INVALID_ARGUMENT, names: field('page_token') },
    { name: 'page token garbage', rpc: listTasks({ pageToken: 'not a page token' }), code: INVALID_ARGUMENT, names: field('page_token') },
    { name: 'page token with an extra segment', rpc: listTasks((fx) => ({ pageToken: `${fx.tasksToken}.x` })), code: INVALID_ARGUMENT, names: field('page_token') },
    { name: 'forged page token (own payload, copied signature)', rpc: listTasks((fx) => ({ pageToken: forgedToken({ c: 1, f: 'x' }, signature(fx.tasksToken)) })), code: INVALID_ARGUMENT, names: field('page_token') },
    { name: 'valid page token reused with another consumer_id', rpc: listTasks((fx) => ({ pageToken: fx.tasksToken, consumerId: 'web-1' })), code: INVALID_ARGUMENT, names: field('page_token') },
    { name: 'valid page token reused with other states', rpc: listTasks((fx) => ({ pageToken: fx.tasksToken, states: ['TASK_STATE_WAITING'] })), code: INVALID_ARGUMENT, names: field('page_token') },
    { name: 'valid page token reused with a label selector', rpc: listTasks((fx) => ({ pageToken: fx.tasksToken, labelSelector: ['role=build'] })), code: INVALID_ARGUMENT, names: field('page_token') },
    { name: 'ListConsumers page token', rpc: listTasks((fx) => ({ pageToken: fx.consumersToken })), code: INVALID_ARGUMENT, names: field('page_token') },
    { name: 'label selector without "="', rpc: listTasks({ labelSelector: ['role'] }), code: INVALID_ARGUMENT, names: field('label_selector[0]') },
    { name: 'label selector with an empty key', rpc: listTasks({ labelSelector: ['role=build', '=build'] }), code: INVALID_ARGUMENT, names: field('label_selector[1]') },
    { name: 'label selector naming a key twice', rpc: listTasks({ labelSelector: ['role=a', 'role=b'] }), code: INVALID_ARGUMENT, names: field('label_selector[1]') },
    { name: 'label selector with a bad key', rpc: listTasks({ labelSelector: ['bad key=x'] }), code: INVALID_ARGUMENT, names: /^label_selector\[/ },
    { name: 'label selector value of 256 characters', rpc: listTasks({ labelSelector: [`role=${'v'.repeat(256)}`] }), code: INVALID_ARGUMENT, names: /^label_selector\[/ },
    { name: '33 label selectors', rpc: listTasks({ labelSelector: manySelectors(33) }), code: INVALID_ARGUMENT, names: field('label_selector') },
    {
      name: `label selector naming a ${HUGE}-character key twice`,
      rpc: listTasks({ labelSelector: [`${'k'.repeat(HUGE)}=a`, `${'k'.repeat(HUGE)}=b`] }),
      code: INVALID_ARGUMENT,
      names: /^label_selector\[\d\]/,
      isolated: true,
    },
    { name: 'create_time_from nanos out of range', rpc: listTasks({ createTimeFrom: { seconds: '1', nanos: 1_000_000_000 } }), code: INVALID_ARGUMENT, names: field('create_time_from') },
    { name: 'create_time_to after 9999-12-31', rpc: listTasks({ createTimeTo: { seconds: '253402300800' } }), code: INVALID_ARGUMENT, names: field('create_time_to') },
    { name: 'create_time_to before create_time_from', rpc: listTasks({ createTimeFrom: inHours(1), createTimeTo: inHours(-1) }), code: INVALID_ARGUMENT, names: field('create_time_to') },
    { name: 'consumer_id filter of 64 characters', rpc: listTasks({ consumerId: 'w'.repeat(64) }), code: INVALID_ARGUMENT, names: field('consumer_id') },
    { name: 'consumer_id filter with upper case and a space', rpc: listTasks({ consumerId: 'Web 1' }), code: INVALID_ARGUMENT, names: field('consumer_id') },
    { name: 'method filter not of the form class.method', rpc: listTasks({ method: 'nodot' }), code: INVALID_ARGUMENT, names: field('method') },
  ],

  CancelTask: [
    { name: 'task_id missing', rpc: cancelTask({ taskId: '' }), code: INVALID_ARGUMENT, names: field('task_id') },
    { name: 'unknown task', rpc: cancelTask({ taskId: UNKNOWN_TASK_ID }), code: NOT_FOUND, names: field('task_id') },
    { name: 'finished (CANCELED) task', rpc: cancelTask((fx) => ({ taskId: fx.endedTaskId })), code: FAILED_PRECONDITION, names: (fx) => new RegExp(`${fx.endedTaskId}.*(ended|CANCELED)`) },
    { name: 'reason of 201 characters (task left alone)', rpc: cancelTask((fx) => ({ taskId: fx.waitingTaskId, reason: 'r'.repeat(201) })), code: INVALID_ARGUMENT, names: field('reason') },
    { name: 'reason with a control character (task left alone)', rpc: cancelTask((fx) => ({ taskId: fx.waitingTaskId, reason: 'because\u0007' })), code: INVALID_ARGUMENT, names: field('reason') },
    { name: 'existing id with a trailing space (that task left alone)', rpc: cancelTask((fx) => ({ taskId: `${fx.victimTaskId} ` })), code: NOT_FOUND, names: field('task_id') },
    { name: `task_id of ${HUGE} characters`, rpc: cancelTask({ taskId: 'x'.repeat(HUGE) }), code: [NOT_FOUND, INVALID_ARGUMENT], names: field('task_id'), isolated: true },
  ],

  WatchTask: [
    { name: 'task_id missing', rpc: watchTask({ taskId: '' }), code: INVALID_ARGUMENT, names: field('task_id') },
    { name: 'unknown task', rpc: watchTask({ taskId: UNKNOWN_TASK_ID }), code: NOT_FOUND, names: field('task_id') },
    { name: 'negative after_event_id', rpc: watchTask((fx) => ({ taskId: fx.endedTaskId, afterEventId: '-1' })), code: INVALID_ARGUMENT, names: field('after_event_id') },
    { name: 'existing id with a trailing space', rpc: watchTask((fx) => ({ taskId: `${fx.endedTaskId} ` })), code: NOT_FOUND, names: field('task_id') },
    { name: `task_id of ${HUGE} characters`, rpc: watchTask({ taskId: 'x'.repeat(HUGE) }), code: [NOT_FOUND, INVALID_ARGUMENT], names: field('task_id'), isolated: true },
  ],

  RegisterConsumer: [
    { name: 'consumer_id missing', rpc: registerConsumer({ consumerId: '' }), code: INVALID_ARGUMENT, names: field('consumer_id') },
    { name: 'consumer_id with upper case', rpc: registerConsumer({ consumerId: 'Web-3' }), code: INVALID_ARGUMENT, names: field('consumer_id') },
    { name: 'consumer_id with a space', rpc: registerConsumer({ consumerId: 'web 3' }), code: INVALID_ARGUMENT, names: field('consumer_id') },
    { name: 'consumer_id of 64 characters', rpc: registerConsumer({ consumerId: 'w'.repeat(64) }), code: INVALID_ARGUMENT, names: field('consumer_id') },
    { name: 'consumer_id starting with "-"', rpc: registerConsumer({ consumerId: '-web' }), code: INVALID_ARGUMENT, names: field('consumer_id') },
    { name: 'consumer_id with a non-ASCII letter', rpc: registerConsumer({ consumerId: 'wéb-3' }), code: INVALID_ARGUMENT, names: field('consumer_id') },
    { name: 'existing consumer', rpc: registerConsumer({ consumerId: 'web-1' }), code: ALREADY_EXISTS, names: /^consumer_id: .*"web-1"/ },
    { name: 'display_name of 256 characters', rpc: registerConsumer({ consumerId: 'web-3', displayName: 'd'.repeat(256) }), code: INVALID_ARGUMENT, names: field('display_name') },
    { name: 'display_name with a newline', rpc: registerConsumer({ consumerId: 'web-3', displayName: 'web\n3' }), code: INVALID_ARGUMENT, names: field('display_name') },
    { name: '33 labels', rpc: registerConsumer({ consumerId: 'web-3', labels: manyLabels(33) }), code: INVALID_ARGUMENT, names: field('labels') },
    { name: 'label key with a space', rpc: registerConsumer({ consumerId: 'web-3', labels: { 'bad key': 'v' } }), code: INVALID_ARGUMENT, names: /^labels\["bad key"\]: / },
    { name: 'label value of 256 characters', rpc: registerConsumer({ consumerId: 'web-3', labels: { role: 'v'.repeat(256) } }), code: INVALID_ARGUMENT, names: /^labels\["role"\]: / },
    { name: 'message larger than 8 MiB', rpc: registerConsumer(() => ({ consumerId: 'web-3', displayName: 'd'.repeat(OVERSIZED) })), code: RESOURCE_EXHAUSTED, names: TOO_LARGE, unlimitedSend: true },
  ],

  GetConsumer: [
    { name: 'consumer_id missing', rpc: getConsumer({ consumerId: '' }), code: INVALID_ARGUMENT, names: field('consumer_id') },
    { name: 'consumer_id with upper case', rpc: getConsumer({ consumerId: 'WEB-1' }), code: INVALID_ARGUMENT, names: field('consumer_id') },
    { name: 'consumer_id of 64 characters', rpc: getConsumer({ consumerId: 'w'.repeat(64) }), code: INVALID_ARGUMENT, names: field('consumer_id') },
    { name: 'unknown consumer', rpc: getConsumer({ consumerId: 'nobody' }), code: NOT_FOUND, names: /^consumer_id: .*"nobody"/ },
    { name: 'unregistered (deleted) consumer', rpc: getConsumer({ consumerId: 'gone-1' }), code: NOT_FOUND, names: field('consumer_id') },
  ],

  ListConsumers: [
    { name: 'label selector term that is no term', rpc: listConsumers({ labelSelector: ['role in web'] }), code: INVALID_ARGUMENT, names: field('label_selector[0]') },
    { name: 'label selector with an empty key', rpc: listConsumers({ labelSelector: ['=build'] }), code: INVALID_ARGUMENT, names: field('label_selector[0]') },
    { name: 'label selector with an empty value in a set', rpc: listConsumers({ labelSelector: ['role=a', 'zone in (eu,)'] }), code: INVALID_ARGUMENT, names: field('label_selector[1]') },
    { name: 'consumer id pattern with a character no id has', rpc: listConsumers({ consumerIdPattern: 'WEB-*' }), code: INVALID_ARGUMENT, names: field('consumer_id_pattern') },
    { name: '33 label selectors', rpc: listConsumers({ labelSelector: manySelectors(33) }), code: INVALID_ARGUMENT, names: field('label_selector') },
    { name: 'page_size negative', rpc: listConsumers({ pageSize: -5 }), code: INVALID_ARGUMENT, names: field('page_size') },
    { name: 'page_size 1001', rpc: listConsumers({ pageSize: 1001 }), code: INVALID_ARGUMENT, names: field('page_size') },
    { name: 'page token with a flipped character', rpc: listConsumers((fx) => ({ pageToken: flip(fx.consumersToken, 3) })), code: INVALID_ARGUMENT, names: field('page_token') },
    { name: 'page token truncated', rpc: listConsumers((fx) => ({ pageToken: fx.consumersToken.slice(0, -1) })), code: INVALID_ARGUMENT, names: field('page_token') },
    { name: 'page token garbage', rpc: listConsumers({ pageToken: '%%%' }), code: INVALID_ARGUMENT, names: field('page_token') },
    { name: 'valid page token reused with a label selector', rpc: listConsumers((fx) => ({ pageToken: fx.consumersToken, labelSelector: ['role=build'] })), code: INVALID_ARGUMENT, names: field('page_token') },
    { name: 'ListTasks page token', rpc: listConsumers((fx) => ({ pageToken: fx.tasksToken })), code: INVALID_ARGUMENT, names: field('page_token') },
  ],

  DeleteConsumer: [
    { name: 'consumer_id missing', rpc: deleteConsumer({ consumerId: '' }), code: INVALID_ARGUMENT, names: field('consumer_id') },
    { name: 'consumer_id with upper case', rpc: deleteConsumer({ consumerId: 'WEB-1' }), code: INVALID_ARGUMENT, names: field('consumer_id') },
    { name: 'consumer_id with a space', rpc: deleteConsumer({ consumerId: 'web 1' }), code: INVALID_ARGUMENT, names: field('consumer_id') },
    { name: 'unknown consumer', rpc: deleteConsumer({ consumerId: 'nobody' }), code: NOT_FOUND, names: /^consumer_id: .*"nobody"/ },
    { name: 'already unregistered consumer', rpc: deleteConsumer({ consumerId: 'gone-1' }), code: NOT_FOUND, names: field('consumer_id') },
  ],

  ListConsumerHistory: [
    { name: 'consumer_id missing', rpc: listHistory({ consumerId: '' }), code: INVALID_ARGUMENT, names: field('consumer_id') },
    { name: 'consumer_id with upper case', rpc: listHistory({ consumerId: 'Web-1' }), code: INVALID_ARGUMENT, names: field('consumer_id') },
    { name: 'consumer_id of 64 characters', rpc: listHistory({ consumerId: 'w'.repeat(64) }), code: INVALID_ARGUMENT, names: field('consumer_id') },
    { name: 'unknown consumer', rpc: listHistory({ consumerId: 'nobody' }), code: NOT_FOUND, names: /^consumer_id: .*"nobody"/ },
    { name: 'empty string in types', rpc: listHistory({ consumerId: 'web-1', types: ['registered', ''] }), code: INVALID_ARGUMENT, names: /^types\b/ },
    { name: 'types with 40000 entries', rpc: listHistory({ consumerId: 'web-1', types: Array.from({ length: 40_000 }, (_, i) => `t${i}`) }), code: INVALID_ARGUMENT, names: /^types\b/ },
    { name: 'page_size negative', rpc: listHistory({ consumerId: 'web-1', pageSize: -1 }), code: INVALID_ARGUMENT, names: field('page_size') },
    { name: 'page_size 1001', rpc: listHistory({ consumerId: 'web-1', pageSize: 1001 }), code: INVALID_ARGUMENT, names: field('page_size') },
    { name: 'page token with a flipped character', rpc: listHistory((fx) => ({ consumerId: 'gone-1', pageToken: flip(fx.historyToken, 4) })), code: INVALID_ARGUMENT, names: field('page_token') },
    { name: 'page token garbage', rpc: listHistory({ consumerId: 'gone-1', pageToken: 'x.y' }), code: INVALID_ARGUMENT, names: field('page_token') },
    { name: 'valid page token reused for another consumer', rpc: listHistory((fx) => ({ consumerId: 'web-1', pageToken: fx.historyToken })), code: INVALID_ARGUMENT, names: field('page_token') },
    { name: 'valid page token reused with other types', rpc: listHistory((fx) => ({ consumerId: 'gone-1', types: ['registered'], pageToken: fx.historyToken })), code: INVALID_ARGUMENT, names: field('page_token') },
    { name: 'event_time_from nanos out of range', rpc: listHistory({ consumerId: 'web-1', eventTimeFrom: { seconds: '1', nanos: -1 } }), code: INVALID_ARGUMENT, names: field('event_time_from') },
    { name: 'event_time_to before event_time_from', rpc: listHistory({ consumerId: 'web-1', eventTimeFrom: inHours(1), eventTimeTo: inHours(-1) }), code: INVALID_ARGUMENT, names: field('event_time_to') },
  ],
};

// ------------------------------------------------------------- the tests

async function runCase(t: TestServer, fx: Fixtures, c: Case): Promise<void> {
  const before = await snapshot(t);
  // A local subchannel pool: its own HTTP/2 connection, not the shared one grpc-js would reuse.
  const fresh = c.isolated || c.unlimitedSend;
  const channelOptions = { 'grpc.use_local_subchannel_pool': 1, ...(c.unlimitedSend ? { 'grpc.max_send_message_length': -1 } : {}) };
  const clients = fresh ? connect(t.address, { token: t.token, channelOptions }) : t.clients;
  let err: grpc.ServiceError | undefined;
  let response: unknown;
  try {
    response = await c.rpc({ clients, fx, deadlineMs: c.isolated ? ISOLATED_DEADLINE_MS : CALL_DEADLINE_MS });
  } catch (e) {
    err = e as grpc.ServiceError;
  } finally {
    if (fresh) clients.close();
  }
  const codes = Array.isArray(c.code) ? c.code : [c.code];
  const expected = codes.map((code) => grpc.status[code]).join(' or ');
  if (!err) assert.fail(`expected ${expected}, but the call succeeded: ${JSON.stringify(response).slice(0, 300)}`);
  const details = String(err.details ?? err.message);
  assert.ok(codes.includes(err.code), `expected ${expected}, got ${grpc.status[err.code] ?? err.code}: ${details.slice(0, 300)}`);
  const names = typeof c.names === 'function' ? c.names(fx) : c.names;
  assert.match(details.slice(0, 2000), names, `status message does not name the field: ${details.slice(0, 300)}`);
  assert.ok(details.length <= MAX_DETAILS_LENGTH, `status message is ${details.length} characters long; it echoes the request unboundedly`);
  assert.deepStrictEqual(await snapshot(t), before, 'a refused request changed the store');
}

describeOnEachStore('bad input is refused, named and writes nothing', (ctx) => {
  let fx: Fixtures;
  before(async function () {
    this.timeout(30_000);
    fx = await createFixtures(ctx().clients);
  });

  for (const [method, cases] of Object.entries(CASES)) {
    describe(method, () => {
      for (const c of cases) {
        it(c.name, async () => runCase(ctx(), fx, c));
      }
    });
  }

  // Valid requests that differ from existing data only in case or trailing
  // space: the two stores must agree that they are different, never answer
  // INTERNAL, and never confuse them with what is already stored.
  describe('look-alikes of existing data are not confused with it', () => {
    const opts = () => ({ deadline: Date.now() + CALL_DEADLINE_MS });

    it('labels whose keys differ only in case are two labels', async () => {
      const { task } = await call(ctx().clients.tasks, 'createTask', good({ labels: { Role: 'a', role: 'b' } }), opts());
      assert.deepStrictEqual(task!.labels, { Role: 'a', role: 'b' });
    });

    it('idempotency keys that differ only in case are two keys (in one batch)', async () => {
      const { tasks } = await call(ctx().clients.tasks, 'batchCreateTasks', { requests: [good({ idempotencyKey: 'Case-Key' }), good({ idempotencyKey: 'case-key' })] }, opts());
      assert.equal(tasks.length, 2);
      assert.notEqual(tasks[0].id, tasks[1].id);
    });

    it('an idempotency key that differs from a used one only in case is a new key', async () => {
      const { task } = await call(ctx().clients.tasks, 'createTask', good({ method: 'system.reboot', idempotencyKey: FIXTURE_KEY.toUpperCase() }), opts());
      assert.notEqual(task!.id, fx.keyedTaskId);
      assert.equal(task!.method, 'system.reboot');
    });

    it('an idempotency key that differs from a used one by a trailing space is a new key (or refused as malformed)', async () => {
      try {
        const { task } = await call(ctx().clients.tasks, 'createTask', good({ method: 'system.reboot', idempotencyKey: `${FIXTURE_KEY} ` }), opts());
        assert.notEqual(task!.id, fx.keyedTaskId);
      } catch (e) {
        const err = e as grpc.ServiceError;
        assert.equal(grpc.status[err.code], 'INVALID_ARGUMENT', `got ${grpc.status[err.code]}: ${err.details}`);
        assert.match(err.details, field('idempotency_key'));
      }
    });

    it('a label selector differing only in case matches nothing', async () => {
      const { consumers } = await call(ctx().clients.consumers, 'listConsumers', { labelSelector: ['role=BUILD'] }, opts());
      assert.deepStrictEqual(consumers.map((c) => c.id), []);
    });
  });
});
