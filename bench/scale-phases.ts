/**
 * The bench's phases at fleet scale, each on its own database and its own
 * server process (so their memory and CPU are theirs alone):
 *
 *   streams  N idle agent streams (bench/stream-clients.ts, in several
 *            processes, over several 127.0.0.x source addresses) connecting
 *            all at once: how long until every one is welcomed, the server's
 *            RSS with them held, and its CPU at rest with heartbeats on.
 *   backlog  a stored backlog (finished tasks, and WAITING ones for many
 *            consumers that are offline), then a server restart: how long
 *            until it serves (Health SERVING and a CreateTask answered);
 *            then the consumers connect, and the WAITING tasks drain: at
 *            what rate, and whether each consumer got its tasks oldest first.
 */
import { fork, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { service as healthService } from 'grpc-health-check';
import type { Knex } from 'knex';
import { call, connect } from '../client/client';
import type { BenchOptions } from './options';
import { cpuSeconds, memoryKb, round } from './procstat';
import { insertFinishedTasks, insertWaitingTasks, registerConsumersInBulk } from './backlog-fill';
import type { StartStreams, StreamClientsMessage } from './stream-clients';

const STREAM_CLIENTS_MAIN = path.resolve(__dirname, 'stream-clients.js');
/** Loopback source addresses the stream clients spread their connections over (each offers about 28k ports). */
const LOCAL_ADDRESSES = ['127.0.0.2', '127.0.0.3', '127.0.0.4', '127.0.0.5', '127.0.0.6', '127.0.0.7', '127.0.0.8', '127.0.0.9'];
/** File descriptors a process keeps for everything but client connections (database pool, logs, listeners). */
const FD_HEADROOM = 1000;

/** What run.ts lends these phases. */
export interface ScaleHarness {
  opts: BenchOptions;
  newDatabase(): Promise<{ name: string; url: string; knex: Knex; dialect: 'mysql' | 'sqlite' }>;
  startServer(db: { url: string }): Promise<ScaleServer>;
  stopServer(server: ScaleServer): Promise<void>;
  addCleanup(name: string, run: () => Promise<void>): void;
  log(line: string): void;
}

export interface ScaleServer {
  child: ChildProcess;
  address: string;
  token: string;
  /** performance.now() when the process was spawned. */
  spawnedAt: number;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The soft limit on open files of a process (what bounds the connections it can hold). */
export function openFileLimit(pid: number): number {
  const m = /^Max open files\s+(\d+|unlimited)/m.exec(fs.readFileSync(`/proc/${pid}/limits`, 'utf8'));
  return !m || m[1] === 'unlimited' ? Number.MAX_SAFE_INTEGER : Number(m[1]);
}

/** A group of stream-client processes, each with its share of the agents. */
class StreamClients {
  private readonly children: ChildProcess[] = [];
  private readonly inbox = new Map<ChildProcess, StreamClientsMessage[]>();
  /** Streams welcomed so far, per process, while a storm is under way. */
  readonly progress = new Map<ChildProcess, number>();

  constructor(
    processes: number,
    private readonly addCleanup: ScaleHarness['addCleanup'],
    private readonly log: ScaleHarness['log'],
  ) {
    for (let i = 0; i < processes; i++) {
      const child = fork(STREAM_CLIENTS_MAIN, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
      this.inbox.set(child, []);
      child.on('message', (m: StreamClientsMessage) => {
        if (m.type === 'progress') this.progress.set(child, m.welcomed);
        else this.inbox.get(child)!.push(m);
      });
      this.children.push(child);
    }
    this.addCleanup('stop stream clients', () => this.stop());
  }

  get pids(): number[] {
    return this.children.map((c) => c.pid!).filter(Boolean);
  }

  /** Starts every process's streams at once; resolves when each has reported all its streams welcomed or failed. */
  async connectAll(base: Omit<StartStreams, 'type' | 'agents' | 'localAddresses' | 'connectTimeoutMs'>, agents: StartStreams['agents'], timeoutMs: number) {
    const per = Math.ceil(agents.length / this.children.length);
    // Whole connections per process, and each process its own addresses, so connections never share a port range.
    const perRounded = Math.ceil(per / base.streamsPerConnection) * base.streamsPerConnection;
    this.children.forEach((child, i) => {
      const mine = LOCAL_ADDRESSES.filter((_, j) => j % this.children.length === i % this.children.length);
      const localAddresses = mine.length ? mine : [LOCAL_ADDRESSES[i % LOCAL_ADDRESSES.length]];
      const start: StartStreams = { type: 'start', ...base, connectTimeoutMs: timeoutMs, localAddresses, agents: agents.slice(i * perRounded, (i + 1) * perRounded) };
      child.send(start);
    });
    const t0 = performance.now();
    const ticker = setInterval(() => this.log(`  ... ${[...this.progress.values()].reduce((a, b) => a + b, 0)} welcomed after ${Math.round((performance.now() - t0) / 1000)} s`), 10_000);
    const replies = await Promise.all(this.children.map((c) => this.next(c, 'connected', timeoutMs + 30_000))).finally(() => clearInterval(ticker));
    return replies as Array<Extract<StreamClientsMessage, { type: 'connected' }>>;
  }

  async reports(): Promise<Array<Extract<StreamClientsMessage, { type: 'report' }>>> {
    this.children.forEach((c) => c.send({ type: 'report' }));
    return (await Promise.all(this.children.map((c) => this.next(c, 'report', 60_000)))) as never;
  }

  private async next(child: ChildProcess, type: StreamClientsMessage['type'], timeoutMs: number): Promise<StreamClientsMessage> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const box = this.inbox.get(child)!;
      const failed = box.find((m) => m.type === 'failed');
      if (failed) throw new Error(`a stream-clients process failed: ${(failed as { error: string }).error}`);
      const i = box.findIndex((m) => m.type === type);
      if (i >= 0) return box.splice(i, 1)[0];
      if (child.exitCode !== null) throw new Error(`a stream-clients process exited (code ${child.exitCode}) before "${type}"`);
      if (Date.now() > deadline) throw new Error(`a stream-clients process sent no "${type}" within ${timeoutMs} ms`);
      await sleep(20);
    }
  }

  async stop(): Promise<void> {
    await Promise.all(
      this.children.map(async (c) => {
        if (c.exitCode !== null || c.signalCode !== null) return;
        const gone = new Promise<void>((resolve) => c.once('exit', () => resolve()));
        if (c.connected) c.send({ type: 'stop' });
        else c.kill('SIGTERM');
        const timer = setTimeout(() => c.kill('SIGKILL'), 10_000);
        await gone;
        clearTimeout(timer);
      }),
    );
  }
}

/** How many streams share a connection so that `streams` fit in the server's and the clients' open-file limits. */
function streamsPerConnection(opts: BenchOptions, streams: number, serverPid: number): { perConnection: number; connections: number; processes: number; serverFdLimit: number; clientFdLimit: number } {
  const serverFdLimit = openFileLimit(serverPid);
  const clientFdLimit = openFileLimit(process.pid);
  const perConnection = opts.streamsPerConnection || Math.max(1, Math.ceil(streams / Math.max(1, serverFdLimit - FD_HEADROOM)));
  const connections = Math.ceil(streams / perConnection);
  if (connections > serverFdLimit - FD_HEADROOM) {
    throw new Error(`streams: ${connections} connections do not fit the server's open-file limit (${serverFdLimit}): raise it (ulimit -n) or pass --streams-per-connection`);
  }
  const processes = Math.max(opts.streamProcesses, Math.ceil(connections / Math.max(1, clientFdLimit - FD_HEADROOM)));
  return { perConnection, connections, processes, serverFdLimit, clientFdLimit };
}

/** CPU (100% = one core) and peak RSS of a process over `seconds`, sampled each second. */
async function restingUsage(pid: number, seconds: number): Promise<{ cpuPercentOfOneCore: number; rssMb: number; peakRssMb: number }> {
  const cpu0 = cpuSeconds(pid) ?? 0;
  const t0 = performance.now();
  let peak = 0;
  let last = 0;
  while (performance.now() - t0 < seconds * 1000) {
    await sleep(1000);
    last = memoryKb(pid)?.rssKb ?? 0;
    peak = Math.max(peak, last);
  }
  const cpu = ((cpuSeconds(pid) ?? 0) - cpu0) / ((performance.now() - t0) / 1000);
  return { cpuPercentOfOneCore: round(cpu * 100, 1), rssMb: round(last / 1024, 1), peakRssMb: round(peak / 1024, 1) };
}

export async function streamsPhase(h: ScaleHarness) {
  const { opts } = h;
  const n = opts.streams;
  const db = await h.newDatabase();
  const server = await h.startServer(db);
  const ids = Array.from({ length: n }, (_, i) => `stream-${String(i).padStart(6, '0')}`);
  h.log(`streams: registering ${n} consumers in bulk ...`);
  const agents = await registerConsumersInBulk(db.knex, ids);
  const serverPid = server.child.pid!;
  const shape = streamsPerConnection(opts, n, serverPid);
  const before = memoryKb(serverPid)?.rssKb ?? 0;
  h.log(
    `streams: ${n} streams on ${shape.connections} connections (${shape.perConnection} per connection; open-file limits: server ${shape.serverFdLimit}, bench ${shape.clientFdLimit}), ` +
      `${shape.processes} client processes over ${LOCAL_ADDRESSES[0]}..${LOCAL_ADDRESSES[LOCAL_ADDRESSES.length - 1]}; server RSS before: ${round(before / 1024, 1)} MB`,
  );
  const clients = new StreamClients(shape.processes, h.addCleanup, h.log);
  const [host, port] = [server.address.split(':')[0], Number(server.address.split(':')[1])];
  const cpu0 = cpuSeconds(serverPid) ?? 0;
  const t0 = performance.now();
  const connected = await clients.connectAll({ host, port, streamsPerConnection: shape.perConnection, mode: 'idle', concurrency: 1 }, agents, opts.drainTimeoutS * 1000);
  const connectSeconds = (performance.now() - t0) / 1000;
  const stormCpuSeconds = (cpuSeconds(serverPid) ?? 0) - cpu0;
  const welcomed = connected.reduce((a, c) => a + c.welcomed, 0);
  const failed = connected.reduce((a, c) => a + c.failed, 0);
  const retries = connected.reduce((a, c) => a + c.retries, 0);
  const online = Number((await db.knex('consumers').whereNotNull('session_id').count({ n: '*' }).first())?.n ?? 0);
  h.log(`streams: ${welcomed} welcomed (after ${retries} retries), ${failed} failed, in ${round(connectSeconds, 2)} s (server CPU ${round(stormCpuSeconds, 1)} s); ${online} consumers online in the store${failed ? `; first failure: ${connected.find((c) => c.firstError)?.firstError}` : ''}`);
  // Let the storm's garbage be collected before measuring what the streams hold.
  await sleep(5_000);
  h.log(`streams: measuring the server at rest for ${opts.restSeconds} s (heartbeats on) ...`);
  const rest = await restingUsage(serverPid, opts.restSeconds);
  const clientsRest = clients.pids.map((pid) => memoryKb(pid)?.rssKb ?? 0);
  const reports = await clients.reports();
  const endedDuringRest = reports.reduce((a, r) => a + r.ended, 0);
  await clients.stop();
  await h.stopServer(server);
  return {
    streams: n,
    connections: shape.connections,
    streamsPerConnection: shape.perConnection,
    openFileLimits: { server: shape.serverFdLimit, bench: shape.clientFdLimit },
    clientProcesses: shape.processes,
    sourceAddresses: LOCAL_ADDRESSES,
    welcomed,
    failed,
    retries,
    firstFailure: connected.find((c) => c.firstError)?.firstError ?? null,
    onlineInStore: online,
    connectAllSeconds: round(connectSeconds, 2),
    serverCpuSecondsDuringStorm: round(stormCpuSeconds, 1),
    serverRssBeforeMb: round(before / 1024, 1),
    serverAtRest: { seconds: opts.restSeconds, ...rest },
    serverRssPerStreamKb: round((rest.rssMb * 1024 - before) / Math.max(1, welcomed), 1),
    streamsEndedDuringRest: endedDuringRest,
    firstEnded: reports.find((r) => r.firstEnd)?.firstEnd ?? null,
    clientRssMb: clientsRest.map((kb) => round(kb / 1024, 1)),
    finalStates: {},
    createErrors: {},
  };
}

/** Health SERVING and a CreateTask answered: the server serves. */
async function timeUntilServing(server: ScaleServer, consumerId: string, timeoutMs: number): Promise<{ healthServingS: number; createTaskAnsweredS: number }> {
  const Health = grpc.makeGenericClientConstructor(healthService, 'Health');
  const health = new Health(server.address, grpc.credentials.createInsecure(), { 'grpc.use_local_subchannel_pool': 1 }) as unknown as grpc.Client & {
    check(req: object, opts: grpc.CallOptions, cb: (err: grpc.ServiceError | null, res?: { status: string }) => void): void;
  };
  const clients = connect(server.address, { token: server.token, channelOptions: { 'grpc.use_local_subchannel_pool': 1 } });
  try {
    const deadline = Date.now() + timeoutMs;
    let healthServingS = NaN;
    while (Number.isNaN(healthServingS)) {
      const res = await new Promise<{ status: string } | null>((resolve) => health.check({ service: '' }, { deadline: Date.now() + 1_000 }, (err, r) => resolve(err ? null : (r ?? null))));
      if (res && (res.status === 'SERVING' || (res.status as unknown) === 1)) healthServingS = (performance.now() - server.spawnedAt) / 1000;
      else if (Date.now() > deadline) throw new Error(`the restarted server was not SERVING within ${timeoutMs} ms`);
      else await sleep(10);
    }
    await call(clients.tasks, 'createTask', { consumerId, method: 'bench.noop', argumentsJson: '{"restart":true}' }, { deadline: Date.now() + 30_000 });
    return { healthServingS: round(healthServingS, 3), createTaskAnsweredS: round((performance.now() - server.spawnedAt) / 1000, 3) };
  } finally {
    health.close();
    clients.close();
  }
}

export async function backlogPhase(h: ScaleHarness) {
  const { opts } = h;
  const db = await h.newDatabase();
  const first = await h.startServer(db);
  const consumerIds = Array.from({ length: opts.backlogConsumers }, (_, i) => `backlog-${String(i).padStart(5, '0')}`);
  const agents = await registerConsumersInBulk(db.knex, consumerIds);
  // The restarted server's probe CreateTask goes to a consumer with no agent, apart from the backlog.
  const [probe] = await registerConsumersInBulk(db.knex, ['backlog-probe']);
  // The peer figure: the same restart with nothing stored (what starting a process costs on this machine now).
  await h.stopServer(first);
  const empty = await h.startServer(db);
  const servingEmpty = await timeUntilServing(empty, probe.consumerId, 60_000);
  h.log(`backlog: restart with no tasks stored: Health SERVING ${servingEmpty.healthServingS} s, CreateTask answered ${servingEmpty.createTaskAnsweredS} s after spawn`);
  const perConsumer = Math.ceil(opts.backlogWaiting / consumerIds.length);
  const waiting = perConsumer * consumerIds.length;
  const finished = Math.max(0, opts.backlogTasks - waiting);
  h.log(`backlog: storing ${finished} finished and ${waiting} WAITING tasks (${perConsumer} for each of ${consumerIds.length} offline consumers) ...`);
  const fillT0 = performance.now();
  const base = Date.now() - 86_400_000;
  const stored = await insertFinishedTasks(db.knex, db.dialect, consumerIds[0], finished, base);
  const expected = await insertWaitingTasks(db.knex, consumerIds, perConsumer, base + stored + 1);
  h.log(`backlog: stored in ${round((performance.now() - fillT0) / 1000, 1)} s; restarting the server ...`);
  await h.stopServer(empty);
  const server = await h.startServer(db);
  const serving = await timeUntilServing(server, probe.consumerId, 60_000);
  h.log(`backlog: restart served: Health SERVING ${serving.healthServingS} s, CreateTask answered ${serving.createTaskAnsweredS} s after spawn`);

  h.log(`backlog: ${consumerIds.length} consumers connect and drain ${waiting} WAITING tasks ...`);
  const clients = new StreamClients(Math.min(opts.streamProcesses, consumerIds.length), h.addCleanup, h.log);
  const [host, port] = [server.address.split(':')[0], Number(server.address.split(':')[1])];
  const t0 = performance.now();
  const connectedAt = Date.now();
  const connected = await clients.connectAll({ host, port, streamsPerConnection: 1, mode: 'reply', concurrency: opts.concurrency }, agents, 120_000);
  const failed = connected.reduce((a, c) => a + c.failed, 0);
  const cpu0 = cpuSeconds(server.child.pid!) ?? 0;
  const deadline = Date.now() + opts.drainTimeoutS * 1000;
  let left = waiting;
  while (left > 0) {
    left = Number((await db.knex('tasks').whereIn('state', ['WAITING', 'DISPATCHED', 'RUNNING']).whereNot('consumer_id', probe.consumerId).count({ n: '*' }).first())?.n ?? 0);
    if (Date.now() > deadline) throw new Error(`backlog: ${left} tasks still unfinished after ${opts.drainTimeoutS} s (--drain-timeout)`);
    if (left > 0) await sleep(100);
  }
  const drainSeconds = (performance.now() - t0) / 1000;
  const serverCpu = ((cpuSeconds(server.child.pid!) ?? 0) - cpu0) / drainSeconds;
  // Completion from the server's own records: from the first connect to the last SUCCEEDED.
  const span = await db.knex('tasks').where('state', 'SUCCEEDED').where('end_time', '>=', connectedAt).min({ a: 'end_time' }).max({ b: 'end_time' }).count({ n: '*' }).first();
  const succeeded = Number(span?.n ?? 0);
  const lastEnd = Number(span?.b ?? connectedAt);
  const reports = await clients.reports();
  const received = Object.assign({}, ...reports.map((r) => r.received)) as Record<string, string[]>;
  let outOfOrder = 0;
  let missing = 0;
  for (const [consumerId, ids] of expected) {
    const got = received[consumerId] ?? [];
    if (got.length !== ids.length) missing += Math.abs(ids.length - got.length);
    for (let i = 0; i < Math.min(got.length, ids.length); i++) if (got[i] !== ids[i]) outOfOrder++;
  }
  const states = await db.knex('tasks').select('state').count({ n: '*' }).where('method', 'bench.noop').whereIn('consumer_id', consumerIds).where('create_time', '>', base + stored).groupBy('state');
  await clients.stop();
  await h.stopServer(server);
  return {
    storedTasks: stored + waiting,
    finishedTasks: stored,
    waitingTasks: waiting,
    consumers: consumerIds.length,
    restart: serving,
    restartWithNothingStored: servingEmpty,
    connectFailures: failed,
    drainSeconds: round(drainSeconds, 2),
    drainTasksPerSecond: round(succeeded / Math.max(0.001, (lastEnd - connectedAt) / 1000), 1),
    serverCpuPercentOfOneCoreDuringDrain: round(serverCpu * 100, 1),
    orderCheck: { consumers: expected.size, tasksOutOfOrder: outOfOrder, tasksMissingOrExtra: missing, oldestFirst: outOfOrder === 0 && missing === 0 },
    finalStates: Object.fromEntries((states as Array<{ state: string; n: number }>).map((r) => [r.state, Number(r.n)])),
    createErrors: {},
  };
}
