/**
 * The taskplane benchmark (`npm run bench`). See BENCH_USAGE in options.ts.
 *
 * Everything is real: a `taskplane server` process on a fresh MySQL
 * database, N real agents (agent/agent.ts) in one separate process, and gRPC
 * clients here. Completion is read from the server's own records in the
 * database (tasks.state, create_time, end_time, consumer_history), after
 * each phase, so observing it adds no load while the phase runs.
 *
 * Phases:
 *   throughput  closed loop: --in-flight CreateTask calls at once, spread over
 *               the consumers, for --warmup + --duration seconds; counts tasks
 *               that reached SUCCEEDED inside the measured window.
 *   latency     open loop: CreateTask at a fixed --rate regardless of
 *               completions; per-task latency CreateTask -> SUCCEEDED.
 *   history     closed loop of packages.install (whose success hook writes
 *               consumer history); checks one history row per SUCCEEDED task.
 *
 * For each measured part it also reports where time goes: CPU (user+sys from
 * /proc/<pid>/stat) and peak RSS of the server, agents, MySQL and bench
 * processes; machine CPU; MySQL counters (statements, commits, fsyncs, lock
 * waits, deadlocks) per second and per task; samples of the server's database
 * connections (executing, idle inside a transaction, waiting for a lock, and
 * which statements); the server's Health/Check round trip as a probe of its
 * event loop; and how many transactions the server used per task. With
 * --cpu-prof, the server and agents processes are profiled and summarised
 * (bench/profile-summary.ts).
 */
import crypto from 'node:crypto';
import { execFileSync, fork, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { service as healthService } from 'grpc-health-check';
import knexFactory, { type Knex } from 'knex';
import { call, connect, type TaskplaneClients } from '../client/client';
import { TaskCreator } from '../client/task-creator';
import type { CreateTaskRequest } from '../protos/generated/taskplane/v1/CreateTaskRequest';
import type { Task__Output } from '../protos/generated/taskplane/v1/Task';
import { msToTimestamp } from '../common/proto-time';
import { openDatabase } from '../server/store/database';
import { migrateToLatest } from '../server/store/migrate';
import { issueBootstrapToken } from '../server/security/token-manager';
import { BENCH_USAGE, parseBenchOptions, type BenchOptions, type CreateMode } from './options';
import { DbMeter, MachineMeter, type DbUsage, type MachineUsage } from './dbstat';
import { findDatabasePid, round, UsageMeter, type ProcessUsage } from './procstat';
import { formatSummary, summariseProfile, type ProfileSummary } from './profile-summary';
import type { AgentsProcessMessage, StartMessage } from './agents';
import { backlogPhase, streamsPhase, type ScaleHarness } from './scale-phases';

const CLI = path.resolve(__dirname, '..', 'bin', 'taskplane.js');
const AGENTS_MAIN = path.resolve(__dirname, 'agents.js');
const UNFINISHED = ['SCHEDULED', 'WAITING', 'DISPATCHED', 'RUNNING'];
/** Phases that run on a database and server of their own (bench/scale-phases.ts). */
const SCALE_PHASES: readonly string[] = ['streams', 'backlog'];

// ---------------------------------------------------------------- utilities

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function log(line = ''): void {
  process.stdout.write(`${line}\n`);
}

/** Nearest-rank percentiles of `values` (sorted here). */
function percentiles(values: number[], ps = [50, 90, 99, 99.9]): Record<string, number> & { count: number; max: number; mean: number } {
  const sorted = Float64Array.from(values).sort();
  const out: Record<string, number> = {};
  for (const p of ps) out[`p${p}`] = sorted.length ? round(sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))], 1) : NaN;
  const sum = values.reduce((a, b) => a + b, 0);
  return { count: sorted.length, ...out, max: sorted.length ? round(sorted[sorted.length - 1], 1) : NaN, mean: sorted.length ? round(sum / sorted.length, 1) : NaN } as never;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}

/** Keeps the last lines of a child's output, and counts them. */
class OutputTail {
  lines = 0;
  private tail: string[] = [];
  private partial = '';
  constructor(private readonly keep = 40) {}
  push(chunk: Buffer | string): void {
    const parts = (this.partial + chunk.toString()).split('\n');
    this.partial = parts.pop() ?? '';
    for (const line of parts) {
      if (!line.trim()) continue;
      this.lines++;
      this.tail.push(line.length > 2000 ? `${line.slice(0, 2000)}...` : line);
      if (this.tail.length > this.keep) this.tail.shift();
    }
  }
  text(): string {
    return [...this.tail, this.partial].filter(Boolean).join('\n');
  }
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/** Asks a child to stop with `signal`, and kills it if it has not exited after `graceMs`. */
async function stopChild(child: ChildProcess, graceMs: number, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill(signal);
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited(child);
  clearTimeout(timer);
}

// ------------------------------------------------------------------ watchdog

/** Set when the server or the agents process dies unexpectedly: every loop stops and the bench fails. */
let fatal: Error | null = null;
let childrenExpectedToExit = false;
/** Children stopped on purpose before the end (a phase's own server). */
const stoppedOnPurpose = new WeakSet<ChildProcess>();

function checkFatal(): void {
  if (fatal) throw fatal;
}

function watchChild(name: string, child: ChildProcess, output: OutputTail): void {
  child.once('exit', (code, signal) => {
    if (!childrenExpectedToExit && !stoppedOnPurpose.has(child) && !fatal) fatal = new Error(`the ${name} process exited unexpectedly (code ${code}, signal ${signal}):\n${output.text()}`);
  });
}

// ------------------------------------------------------------------ cleanup

/** Undo steps, run newest first, once, on success, failure or a signal. */
class Cleanup {
  private readonly steps: Array<{ name: string; run: () => Promise<void> }> = [];
  private running: Promise<void> | null = null;
  add(name: string, run: () => Promise<void>): void {
    this.steps.push({ name, run });
  }
  run(): Promise<void> {
    this.running ??= (async () => {
      for (const step of this.steps.reverse()) {
        try {
          await step.run();
        } catch (err) {
          process.stderr.write(`bench: cleanup "${step.name}" failed: ${(err as Error)?.message ?? err}\n`);
        }
      }
    })();
    return this.running;
  }
}

// ----------------------------------------------------------------- database

interface BenchDatabase {
  name: string;
  /** What the server gets. */
  url: string;
  /** The bench's own reader (completion counts, latencies, history check). */
  knex: Knex;
  /** Connection ids of the reader, left out of the connection samples. */
  readerIds: Set<number>;
  /** A connection without a default database, for server-wide status and samples (MySQL only). */
  monitor: Knex | null;
  dialect: 'mysql' | 'sqlite';
}

function mysqlConnection(serverUrl: string, database?: string) {
  const u = new URL(serverUrl);
  return {
    host: u.hostname,
    port: Number(u.port || 3306),
    user: decodeURIComponent(u.username || 'root'),
    password: decodeURIComponent(u.password),
    ...(database ? { database } : {}),
    supportBigNumbers: true,
    bigNumberStrings: false,
  };
}

async function createBenchDatabase(mysqlUrl: string, socket: string | null, cleanup: Cleanup): Promise<BenchDatabase> {
  const name = `tp_bench_${process.pid}_${crypto.randomBytes(4).toString('hex')}`;
  const admin = knexFactory({ client: 'mysql2', connection: mysqlConnection(mysqlUrl), pool: { min: 0, max: 1 } });
  try {
    await admin.raw(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin`);
  } finally {
    await admin.destroy();
  }
  cleanup.add(`drop database ${name}`, async () => {
    const a = knexFactory({ client: 'mysql2', connection: mysqlConnection(mysqlUrl), pool: { min: 0, max: 1 } });
    try {
      await a.raw(`DROP DATABASE IF EXISTS \`${name}\``);
    } finally {
      await a.destroy();
    }
  });
  const readerIds = new Set<number>();
  const knex = knexFactory({
    client: 'mysql2',
    connection: mysqlConnection(mysqlUrl, name),
    pool: {
      min: 0,
      max: 2,
      afterCreate(conn: { query(sql: string, cb: (err: Error | null, rows: Array<{ id: number }>) => void): void }, done: (err: Error | null, conn: unknown) => void) {
        conn.query('SELECT CONNECTION_ID() AS id', (err, rows) => {
          if (!err) readerIds.add(Number(rows[0].id));
          done(err, conn);
        });
      },
    },
  });
  cleanup.add('close bench database reader', () => knex.destroy());
  const monitor = knexFactory({ client: 'mysql2', connection: mysqlConnection(mysqlUrl), pool: { min: 0, max: 1 } });
  cleanup.add('close bench database monitor', () => monitor.destroy());
  return { name, url: `${mysqlUrl}/${name}${socket ? `?socket=${encodeURIComponent(socket)}` : ''}`, knex, readerIds, monitor, dialect: 'mysql' };
}

async function count(knex: Knex, query: Knex.QueryBuilder): Promise<number> {
  const row = await query.count({ n: '*' }).first();
  return Number(row?.n ?? 0);
}

async function databaseSettings(db: BenchDatabase): Promise<Record<string, string>> {
  const knex = db.knex;
  if (db.dialect === 'sqlite') {
    const [row] = (await knex.raw('SELECT sqlite_version() AS v')) as Array<{ v: string }>;
    return { version: `SQLite ${row.v}`, synchronous: 'FULL', journal_mode: 'WAL' };
  }
  const out: Record<string, string> = {};
  const [[v]] = (await knex.raw('SELECT VERSION() AS v')) as [[{ v: string }]];
  out.version = v.v;
  for (const name of ['innodb_flush_log_at_trx_commit', 'sync_binlog', 'log_bin', 'innodb_buffer_pool_size', 'max_connections']) {
    const [rows] = (await knex.raw('SHOW VARIABLES LIKE ?', [name])) as [Array<{ Variable_name: string; Value: string }>];
    if (rows[0]) out[name] = rows[0].Value;
  }
  return out;
}

/** A fresh database for the bench (MySQL, or the SQLite file the server embeds by default); removed by `cleanup`. */
async function newBenchDatabase(opts: BenchOptions, cleanup: Cleanup): Promise<BenchDatabase> {
  if (opts.store === 'mysql') return createBenchDatabase(opts.mysqlUrl, opts.mysqlSocket, cleanup);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'taskplane-bench-sqlite-'));
  cleanup.add(`remove ${dir}`, async () => fs.rmSync(dir, { recursive: true, force: true }));
  const url = `sqlite://${path.join(dir, 'taskplane.db')}`;
  // Migrated first, so the bench's reader and the server open the same schema.
  const store = openDatabase(url);
  cleanup.add('close bench SQLite reader', () => store.close());
  await migrateToLatest(store);
  return { name: dir, url, knex: store.knex, readerIds: new Set(), monitor: null, dialect: 'sqlite' };
}

function scaleHarness(opts: BenchOptions, cleanup: Cleanup): ScaleHarness {
  return {
    opts,
    newDatabase: () => newBenchDatabase(opts, cleanup),
    // Never the README's port: a phase starts and stops servers, and another may have taken it meanwhile.
    startServer: (db) => startServer(opts, db, cleanup, false),
    stopServer: async (server) => {
      stoppedOnPurpose.add(server.child);
      await stopChild(server.child, 30_000);
    },
    addCleanup: (name, run) => cleanup.add(name, run),
    log,
  };
}

// ------------------------------------------------------------------ server

interface ServerProcess {
  child: ChildProcess;
  /** performance.now() when the process was spawned. */
  spawnedAt: number;
  address: string;
  /** The server's Prometheus endpoint. */
  metricsUrl: string;
  /** An admin API token, made by bootstrap before the server starts. */
  token: string;
  output: OutputTail;
}

async function startServer(opts: BenchOptions, db: { url: string }, cleanup: Cleanup, readmePort = true): Promise<ServerProcess> {
  const port = await freePort();
  const address = `127.0.0.1:${port}`;
  // As an operator would: migrate, bootstrap an admin token, then start the server.
  const store = openDatabase(db.url);
  let token: string;
  try {
    await migrateToLatest(store);
    token = (await issueBootstrapToken(store.knex, Date.now(), { name: 'bench', role: 'admin', selector: null, methods: null, expireTime: null })).secret;
  } finally {
    await store.close();
  }
  const execArgv = opts.cpuProfDir ? ['--cpu-prof', '--cpu-prof-dir', path.join(opts.cpuProfDir, 'server')] : [];
  // No create rate limit: the bench measures the task path, and one token drives it all.
  // The README's port if it is free, so `curl 127.0.0.1:8080/metrics` watches the bench.
  const httpAddress = `127.0.0.1:${readmePort && (await portIsFree(8080)) ? 8080 : await freePort()}`;
  const spawnedAt = performance.now();
  const child = spawn(process.execPath, [...execArgv, CLI, 'server', '--listen', address, '--http-listen', httpAddress, '--database-url', db.url, '--migrate', '--create-rate-limit', '0'], {
    env: { ...process.env, TASKPLANE_LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output = new OutputTail();
  child.stdout!.on('data', (d) => output.push(d));
  child.stderr!.on('data', (d) => output.push(d));
  // SIGTERM is the server's graceful stop (it writes its --cpu-prof profile on exit).
  cleanup.add('stop server', () => stopChild(child, 30_000));
  const exitedEarly = exited(child).then(() => {
    throw new Error(`the server exited (code ${child.exitCode}, signal ${child.signalCode}) before it was ready:\n${output.text()}`);
  });
  const probe = connect(address, { token });
  try {
    const deadline = Date.now() + 60_000;
    await Promise.race([
      exitedEarly,
      (async () => {
        for (;;) {
          try {
            await call(probe.consumers, 'listConsumers', { pageSize: 1 }, { deadline: Date.now() + 2_000 });
            return;
          } catch (err) {
            if (Date.now() > deadline) throw new Error(`the server at ${address} did not answer within 60 s: ${(err as Error).message}\n${output.text()}`);
            await sleep(20);
          }
        }
      })(),
    ]);
  } finally {
    probe.close();
    exitedEarly.catch(() => {});
  }
  watchChild('server', child, output);
  return { child, spawnedAt, address, token, metricsUrl: `http://${httpAddress}/metrics`, output };
}

// ------------------------------------------------------------------ agents

interface AgentsProcess {
  child: ChildProcess;
  output: OutputTail;
  stop(): Promise<void>;
}

async function startAgents(opts: BenchOptions, server: ServerProcess, credentials: Array<{ consumerId: string; token: string }>, cleanup: Cleanup): Promise<AgentsProcess> {
  // --agent-state-dir puts the 50 agents' journals elsewhere, e.g. on tmpfs
  // (/dev/shm) to model agents on their own hosts, whose fsyncs do not
  // compete with MySQL's for this machine's disk.
  const stateRoot = fs.mkdtempSync(path.join(opts.agentStateDir ?? os.tmpdir(), 'taskplane-bench-agents-'));
  cleanup.add('remove agent state directories', async () => fs.rmSync(stateRoot, { recursive: true, force: true }));
  const execArgv = opts.cpuProfDir ? ['--cpu-prof', '--cpu-prof-dir', path.join(opts.cpuProfDir, 'agents')] : [];
  const child = fork(AGENTS_MAIN, [], { execArgv, stdio: ['ignore', 'pipe', 'pipe', 'ipc'], env: { ...process.env, TASKPLANE_LOG_LEVEL: 'warn' } });
  const output = new OutputTail();
  child.stdout!.on('data', (d) => output.push(d));
  child.stderr!.on('data', (d) => output.push(d));
  const messages: AgentsProcessMessage[] = [];
  let onMessage: (() => void) | null = null;
  child.on('message', (m: AgentsProcessMessage) => {
    messages.push(m);
    onMessage?.();
  });
  const waitFor = (type: AgentsProcessMessage['type'], ms: number) =>
    new Promise<AgentsProcessMessage>((resolve, reject) => {
      const check = () => {
        const failed = messages.find((m) => m.type === 'failed');
        if (failed) return reject(new Error(`the agents process failed: ${(failed as { error: string }).error}`));
        const found = messages.find((m) => m.type === type);
        if (found) {
          clearTimeout(timer);
          onMessage = null;
          resolve(found);
        }
      };
      const timer = setTimeout(() => reject(new Error(`the agents process sent no "${type}" within ${ms} ms\n${output.text()}`)), ms);
      onMessage = check;
      check();
      void exited(child).then(() => reject(new Error(`the agents process exited (code ${child.exitCode}) before "${type}"\n${output.text()}`)));
    });
  let stopping: Promise<void> | null = null;
  const stop = () => {
    stopping ??= (async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      if (child.connected) child.send({ type: 'stop' });
      else child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited(child);
      clearTimeout(timer);
    })();
    return stopping;
  };
  cleanup.add('stop agents process', stop);
  const start: StartMessage = { type: 'start', server: server.address, stateRoot, concurrency: opts.concurrency, agents: credentials };
  child.send(start);
  await waitFor('started', 30_000);
  watchChild('agents', child, output);
  return { child, output, stop };
}

/** Waits until every consumer has a live agent stream, as the server recorded it. */
async function waitForAgentsOnline(db: BenchDatabase, expected: number, agents: AgentsProcess): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const online = await count(db.knex, db.knex('consumers').whereNotNull('session_id'));
    if (online >= expected) return;
    if (agents.child.exitCode !== null) throw new Error(`the agents process exited (code ${agents.child.exitCode})\n${agents.output.text()}`);
    if (Date.now() > deadline) throw new Error(`only ${online} of ${expected} agents connected within 60 s\n${agents.output.text()}`);
    await sleep(200);
  }
}

// ------------------------------------------------------------------ clients

interface Load {
  clients: TaskplaneClients[];
  consumerIds: string[];
  next: number;
  /** How the phases' producers create: see --creates. */
  creates: CreateMode;
}

type CreateTask = (request: CreateTaskRequest) => Promise<Task__Output>;

/**
 * CreateTask through `client` as --creates says: "batched" goes through the
 * client library's TaskCreator (the creates of one turn share one
 * BatchCreateTasks call), "single" makes one unary call per task.
 */
function creatorFor(client: TaskplaneClients, mode: CreateMode): CreateTask {
  if (mode === 'single') return (request) => call(client.tasks, 'createTask', request, { deadline: Date.now() + 30_000 }).then((r) => r.task!);
  const creator = new TaskCreator(client.tasks);
  return (request) => creator.create(request);
}

const creators = new WeakMap<TaskplaneClients, CreateTask>();

function nextTarget(load: Load): { create: CreateTask; consumerId: string } {
  const i = load.next++;
  const client = load.clients[i % load.clients.length];
  if (!creators.has(client)) creators.set(client, creatorFor(client, load.creates));
  return { create: creators.get(client)!, consumerId: load.consumerIds[i % load.consumerIds.length] };
}

interface CreateStats {
  ok: number;
  errors: Record<string, number>;
  /** Client-observed CreateTask latencies (ms) of calls that completed inside the measured window. */
  latenciesMs: number[];
  okInWindow: number;
}

function errorName(err: unknown): string {
  const e = err as grpc.ServiceError;
  return typeof e?.code === 'number' ? grpc.status[e.code] ?? String(e.code) : (e as Error)?.message ?? String(err);
}

/**
 * Closed loop: `inFlight` workers, each issuing CreateTask again as soon as
 * its previous one returns, until `endAt` (epoch ms). Calls that return
 * inside [windowStart, endAt) are the measured ones.
 *
 * With `outstanding`, the loop is closed on completion too: workers wait
 * while more than `outstanding.max` created tasks have not yet SUCCEEDED
 * (read from the store every 50 ms), so the system is measured at the rate
 * it finishes work, not at the rate it can queue it.
 */
async function closedLoop(
  load: Load,
  inFlight: number,
  method: string,
  argumentsJson: string,
  windowStart: number,
  endAt: number,
  outstanding?: { max: number; db: BenchDatabase; since: number },
): Promise<CreateStats> {
  const stats: CreateStats = { ok: 0, errors: {}, latenciesMs: [], okInWindow: 0 };
  let finished = 0;
  let polling = true;
  const poller = outstanding
    ? (async () => {
        while (polling) {
          finished = await count(outstanding.db.knex, outstanding.db.knex('tasks').where({ state: 'SUCCEEDED', method }).where('create_time', '>=', outstanding.since));
          await sleep(50);
        }
      })()
    : Promise.resolve();
  const worker = async () => {
    while (Date.now() < endAt && !fatal) {
      if (outstanding && stats.ok - finished >= outstanding.max) {
        await sleep(5);
        continue;
      }
      const { create, consumerId } = nextTarget(load);
      const t = performance.now();
      try {
        await create({ consumerId, method, argumentsJson });
        stats.ok++;
        const done = Date.now();
        if (done >= windowStart && done < endAt) {
          stats.okInWindow++;
          stats.latenciesMs.push(performance.now() - t);
        }
      } catch (err) {
        const name = errorName(err);
        stats.errors[name] = (stats.errors[name] ?? 0) + 1;
        await sleep(20); // no hot loop on a persistent failure
      }
    }
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
  polling = false;
  await poller;
  checkFatal();
  return stats;
}

/** Waits until no task is unfinished; returns how long that took. */
async function drain(db: BenchDatabase, timeoutS: number): Promise<number> {
  const t = performance.now();
  for (;;) {
    checkFatal();
    const left = await count(db.knex, db.knex('tasks').whereIn('state', UNFINISHED));
    if (left === 0) return (performance.now() - t) / 1000;
    if ((performance.now() - t) / 1000 > timeoutS) throw new Error(`${left} tasks still unfinished ${timeoutS} s after the last CreateTask (--drain-timeout)`);
    await sleep(100);
  }
}

async function statesOf(db: BenchDatabase, query: (q: Knex.QueryBuilder) => Knex.QueryBuilder): Promise<Record<string, number>> {
  const rows = await query(db.knex('tasks').select('state').count({ n: '*' }).groupBy('state'));
  return Object.fromEntries(rows.map((r: { state: string; n: number }) => [r.state, Number(r.n)]));
}

// ------------------------------------------------------------------- meters

/**
 * How responsive the server's event loop is under load: the round trip of
 * grpc.health.v1.Health/Check (no database, answered straight from the
 * event loop) on its own connection, one at a time every 50 ms. The bench's
 * own event-loop delay is measured too, since it adds to every round trip.
 */
class ResponsivenessProbe {
  private readonly client: grpc.Client & { check(req: object, opts: grpc.CallOptions, cb: (err: grpc.ServiceError | null) => void): void };
  private readonly rtts: number[] = [];
  private failures = 0;
  private running = true;
  private readonly loop: Promise<void>;
  private readonly ownDelay = monitorEventLoopDelay({ resolution: 10 });

  constructor(address: string) {
    const Health = grpc.makeGenericClientConstructor(healthService, 'Health');
    this.client = new Health(address, grpc.credentials.createInsecure(), { 'grpc.use_local_subchannel_pool': 1 }) as never;
    this.ownDelay.enable();
    this.loop = (async () => {
      while (this.running) {
        const t = performance.now();
        const ok = await new Promise<boolean>((resolve) => this.client.check({ service: '' }, { deadline: Date.now() + 5_000 }, (err) => resolve(!err)));
        if (ok) this.rtts.push(performance.now() - t);
        else this.failures++;
        await sleep(50);
      }
    })();
  }

  async stop(): Promise<{ healthCheckRttMs: ReturnType<typeof percentiles>; failures: number; benchEventLoopDelayMs: { p50: number; p99: number; max: number } }> {
    this.running = false;
    await this.loop;
    this.client.close();
    this.ownDelay.disable();
    const d = this.ownDelay;
    return {
      healthCheckRttMs: percentiles(this.rtts),
      failures: this.failures,
      benchEventLoopDelayMs: { p50: round(d.percentile(50) / 1e6, 1), p99: round(d.percentile(99) / 1e6, 1), max: round(d.max / 1e6, 1) },
    };
  }
}

interface PhaseUsage {
  /** Per process; 100% = one core busy for the whole interval. */
  processes: Record<string, ProcessUsage>;
  machine: MachineUsage;
  database: DbUsage | null;
  responsiveness: Awaited<ReturnType<ResponsivenessProbe['stop']>>;
}

/** CPU and memory of the processes, machine CPU, and what the database saw, over one interval. */
class PhaseMeter {
  private constructor(
    private readonly processes: UsageMeter,
    private readonly machine: MachineMeter,
    /** MySQL's counters and connection samples; SQLite has none to read from outside. */
    private readonly database: DbMeter | null,
    private readonly probe: ResponsivenessProbe,
  ) {}
  static async start(db: BenchDatabase, pids: Record<string, number | null>, serverAddress: string): Promise<PhaseMeter> {
    const database = db.monitor ? await DbMeter.start(db.monitor, db.name, db.readerIds) : null;
    return new PhaseMeter(new UsageMeter(pids), new MachineMeter(), database, new ResponsivenessProbe(serverAddress));
  }
  async stop(): Promise<PhaseUsage> {
    const processes = this.processes.stop();
    const machine = this.machine.stop();
    const responsiveness = await this.probe.stop();
    return { processes, machine, database: this.database ? await this.database.stop() : null, responsiveness };
  }
}

// ------------------------------------------------------------------- phases

interface PhaseContext {
  serverAddress: string;
  metricsUrl: string;
  opts: BenchOptions;
  db: BenchDatabase;
  load: Load;
  pids: Record<string, number | null>;
}

async function throughputPhase({ opts, db, load, pids, serverAddress, metricsUrl }: PhaseContext) {
  const startAt = Date.now();
  const windowStart = startAt + opts.warmupS * 1000;
  const windowEnd = windowStart + opts.durationS * 1000;
  log(`throughput: closed loop, ${opts.inFlight} creates in flight (${opts.creates})${opts.maxOutstanding > 0 ? `, at most ${opts.maxOutstanding} tasks unfinished` : ''}, ${opts.warmupS} s warm-up + ${opts.durationS} s measured ...`);
  let meter: Promise<PhaseMeter> | null = null;
  const scrapes = new ScrapeProbe(metricsUrl);
  const meterTimer = setTimeout(() => {
    meter = PhaseMeter.start(db, pids, serverAddress);
    scrapes.start();
  }, Math.max(0, windowStart - Date.now()));
  const outstanding = opts.maxOutstanding > 0 ? { max: opts.maxOutstanding, db, since: startAt } : undefined;
  const stats = await closedLoop(load, opts.inFlight, 'bench.noop', '{}', windowStart, windowEnd, outstanding);
  clearTimeout(meterTimer);
  const scrape = await scrapes.stop();
  const usage = await (await ((meter as Promise<PhaseMeter> | null) ?? PhaseMeter.start(db, pids, serverAddress))).stop();
  const loopEnd = Date.now();
  const backlogAtEnd = await count(db.knex, db.knex('tasks').whereIn('state', UNFINISHED));
  const drainS = await drain(db, opts.drainTimeoutS);

  const seconds = opts.durationS;
  const succeededInWindow = await count(db.knex, db.knex('tasks').where('state', 'SUCCEEDED').where('end_time', '>=', windowStart).where('end_time', '<', windowEnd));
  const createdInWindow = await count(db.knex, db.knex('tasks').where('create_time', '>=', windowStart).where('create_time', '<', windowEnd));
  const perSecondRows = await db
    .knex('tasks')
    .select(db.knex.raw('FLOOR((end_time - ?) / 1000) AS s', [windowStart]))
    .count({ n: '*' })
    .where('state', 'SUCCEEDED')
    .where('end_time', '>=', windowStart)
    .where('end_time', '<', windowStart + Math.floor(seconds) * 1000)
    .groupBy('s')
    .orderBy('s');
  const perSecond = perSecondRows.map((r) => Number(r.n));
  // The backlog left when creates stopped, finished with no create load.
  const drained = await count(db.knex, db.knex('tasks').where('state', 'SUCCEEDED').where('end_time', '>=', loopEnd));
  const e2e = await db.knex('tasks').select(db.knex.raw('end_time - create_time AS ms')).where('state', 'SUCCEEDED').where('create_time', '>=', windowStart).where('create_time', '<', windowEnd);
  const states = await statesOf(db, (q) => q.where('method', 'bench.noop').where('create_time', '>=', startAt));
  const grouping = await transactionGrouping(db, windowStart, windowEnd);
  return {
    method: 'bench.noop',
    inFlight: opts.inFlight,
    measuredSeconds: seconds,
    tasksPerSecond: round(succeededInWindow / seconds, 1),
    succeededInWindow,
    createdPerSecond: round(createdInWindow / seconds, 1),
    createdInWindow,
    completionsPerSecondMin: perSecond.length ? Math.min(...perSecond) : 0,
    completionsPerSecondMax: perSecond.length ? Math.max(...perSecond) : 0,
    completionsPerSecond: perSecond,
    backlogWhenCreatesStopped: backlogAtEnd,
    drainSeconds: round(drainS, 2),
    drainTasksPerSecond: drainS > 0.2 ? round(drained / drainS, 1) : null,
    createTaskLatencyMs: percentiles(stats.latenciesMs),
    endToEndLatencyMs: percentiles(e2e.map((r: { ms: number }) => Number(r.ms))),
    createErrors: stats.errors,
    finalStates: states,
    grouping,
    scrape,
    usage,
  };
}

/**
 * The cost of a Prometheus scrape of the server under load: GET /metrics
 * once a second during the measured window, one at a time, timing each
 * (round trip, body included), and what the counters said at the first and
 * last scrape, to show that they moved.
 */
class ScrapeProbe {
  private readonly durationsMs: number[] = [];
  private bytes = 0;
  private failures = 0;
  private first: Map<string, number> | null = null;
  private last: Map<string, number> | null = null;
  private running: Promise<void> | null = null;
  private stopped = false;

  constructor(private readonly url: string) {}

  start(): void {
    this.running = (async () => {
      while (!this.stopped) {
        const t = performance.now();
        try {
          const res = await fetch(this.url);
          const text = await res.text();
          if (!res.ok) throw new Error(`HTTP ${res.status}`);
          this.durationsMs.push(performance.now() - t);
          this.bytes = Buffer.byteLength(text);
          this.last = counters(text);
          this.first ??= this.last;
        } catch {
          this.failures++;
        }
        await sleep(Math.max(0, 1000 - (performance.now() - t)));
      }
    })();
  }

  async stop() {
    this.stopped = true;
    await this.running;
    const moved = (name: string) => (this.first && this.last ? (this.last.get(name) ?? 0) - (this.first.get(name) ?? 0) : null);
    return {
      scrapeMs: percentiles(this.durationsMs),
      bodyBytes: this.bytes,
      failures: this.failures,
      createdTotalMoved: moved('taskplane_tasks_created_total'),
      succeededTotalMoved: moved('taskplane_tasks_settled_total{state="SUCCEEDED",method="bench.noop"}'),
      createToSettledCountMoved: moved('taskplane_task_create_to_settled_seconds_count'),
    };
  }
}

/** The samples of a Prometheus text body, by name and labels. */
function counters(text: string): Map<string, number> {
  const samples = new Map<string, number>();
  for (const line of text.split('\n')) {
    const m = /^([^#\s][^ ]*) (\S+)$/.exec(line);
    if (m) samples.set(m[1], Number(m[2]));
  }
  return samples;
}

/**
 * How the server grouped the work of the tasks created in [from, to), read
 * from the timestamps it wrote: one transaction stamps all its tasks with
 * the same time, so distinct create_time = create transactions, distinct
 * event_time of their DISPATCHED events = dispatch claims (one claim
 * serves many consumers; hand-offs share their creating transaction's
 * time), distinct start_time / end_time = settlement transactions
 * for accepts / replies. (Transactions that fall in the same millisecond
 * count once, so these are lower bounds.)
 */
async function transactionGrouping(db: BenchDatabase, from: number, to: number) {
  const answer = await db.knex.raw(
    `SELECT COUNT(*) AS tasks,
            COUNT(DISTINCT create_time) AS creates,
            (SELECT COUNT(DISTINCT e.event_time)
               FROM tasks d JOIN task_events e ON e.task_id = d.id
              WHERE d.create_time >= ? AND d.create_time < ? AND e.type = 'STATE_CHANGED' AND e.state = 'DISPATCHED') AS claims,
            COUNT(DISTINCT start_time) AS accepts,
            COUNT(DISTINCT end_time) AS replies
       FROM tasks WHERE create_time >= ? AND create_time < ?`,
    [from, to, from, to],
  );
  // mysql2 answers [rows, fields]; better-sqlite3 the rows.
  const row = (db.dialect === 'mysql' ? answer[0][0] : answer[0]) as Record<string, number>;
  const tasks = Number(row.tasks) || 1;
  const per = (n: number) => ({ transactions: Number(n), tasksPerTransaction: round(tasks / Math.max(1, Number(n)), 1) });
  return { tasks: Number(row.tasks), createTransactions: per(row.creates), dispatchClaims: per(row.claims), acceptSettlements: per(row.accepts), replySettlements: per(row.replies) };
}

async function latencyPhase({ opts, db, load, pids, serverAddress }: PhaseContext) {
  const rate = opts.rate;
  const warmCount = Math.round(opts.warmupS * rate);
  const total = warmCount + Math.round(opts.latencyDurationS * rate);
  // Open loop: a create is due every 1/rate s whatever happened to earlier
  // ones. A bound on outstanding calls keeps a stalled server from eating
  // the bench's memory; creates skipped because of it are reported.
  const maxOutstanding = Math.max(2_000, Math.ceil(rate * 10));
  log(`latency: open loop at ${rate} tasks/s, ${opts.warmupS} s warm-up + ${opts.latencyDurationS} s measured (${total} tasks) ...`);
  interface Sent {
    id: string | null;
    intendedEpochMs: number;
    lagMs: number;
    createMs: number;
  }
  const sent: Sent[] = [];
  const errors: Record<string, number> = {};
  let skipped = 0;
  let outstanding = 0;
  const pending: Array<Promise<void>> = [];
  const epoch0 = Date.now();
  const perf0 = performance.now();
  let meter: Promise<PhaseMeter> | null = null;
  let issued = 0;
  const issue = (i: number) => {
    const intended = perf0 + (i * 1000) / rate;
    if (i === warmCount) meter = PhaseMeter.start(db, pids, serverAddress);
    if (outstanding >= maxOutstanding) {
      if (i >= warmCount) skipped++;
      return;
    }
    const { create, consumerId } = nextTarget(load);
    const sendAt = performance.now();
    const record: Sent = { id: null, intendedEpochMs: epoch0 + (intended - perf0), lagMs: sendAt - intended, createMs: NaN };
    if (i >= warmCount) sent.push(record);
    outstanding++;
    pending.push(
      create({ consumerId, method: 'bench.noop', argumentsJson: '{}' }).then(
        (task) => {
          outstanding--;
          record.createMs = performance.now() - sendAt;
          record.id = task.id;
        },
        (err) => {
          outstanding--;
          const name = errorName(err);
          errors[name] = (errors[name] ?? 0) + 1;
        },
      ),
    );
  };
  while (issued < total && !fatal) {
    const due = Math.min(total, Math.floor(((performance.now() - perf0) * rate) / 1000) + 1);
    while (issued < due) issue(issued++);
    await sleep(1);
  }
  checkFatal();
  const offeredSeconds = (performance.now() - perf0) / 1000 - opts.warmupS;
  const usage = await (await ((meter as Promise<PhaseMeter> | null) ?? PhaseMeter.start(db, pids, serverAddress))).stop();
  await Promise.all(pending);
  const drainS = await drain(db, opts.drainTimeoutS);

  const byId = new Map(sent.filter((s) => s.id).map((s) => [s.id!, s]));
  const serverMs: number[] = [];
  const fromIntendedMs: number[] = [];
  const states: Record<string, number> = {};
  const ids = [...byId.keys()];
  for (let i = 0; i < ids.length; i += 1000) {
    const rows = await db.knex('tasks').select('id', 'state', 'create_time', 'end_time').whereIn('id', ids.slice(i, i + 1000));
    for (const r of rows as Array<{ id: string; state: string; create_time: number; end_time: number | null }>) {
      states[r.state] = (states[r.state] ?? 0) + 1;
      if (r.state !== 'SUCCEEDED' || r.end_time === null) continue;
      serverMs.push(Number(r.end_time) - Number(r.create_time));
      fromIntendedMs.push(Number(r.end_time) - byId.get(r.id)!.intendedEpochMs);
    }
  }
  const created = sent.filter((s) => s.id);
  const stages = await stageBreakdown(db, ids);
  return {
    method: 'bench.noop',
    offeredRate: rate,
    stagesMs: stages,
    measuredSeconds: opts.latencyDurationS,
    offered: sent.length + skipped,
    achievedCreateRate: round(created.length / Math.max(offeredSeconds, 0.001), 1),
    skippedBecauseOutstandingOver: skipped ? { skipped, limit: maxOutstanding } : null,
    endToEndLatencyMs: percentiles(serverMs),
    endToEndFromIntendedSendMs: percentiles(fromIntendedMs),
    createTaskLatencyMs: percentiles(created.map((s) => s.createMs)),
    scheduleLagMs: percentiles(sent.map((s) => s.lagMs)),
    createErrors: errors,
    finalStates: states,
    drainSeconds: round(drainS, 2),
    usage,
  };
}

/**
 * Cross-server wake-up: one open loop at --rate, alternating CreateTask
 * between server A (which holds every agent stream: a local create) and a
 * second server B on the same database (a cross-server create: B must wake
 * A). Both kinds share the run, the load and the machine, so their
 * create -> SUCCEEDED percentiles compare directly.
 */
async function crossServerPhase({ opts, db, load, pids, serverAddress }: PhaseContext, clientsB: TaskplaneClients[]) {
  const rate = opts.rate;
  const warmCount = Math.round(opts.warmupS * rate);
  const total = warmCount + Math.round(opts.latencyDurationS * rate);
  log(`cross-server: open loop at ${rate} tasks/s, alternating creates on A (agents' server) and B, ${opts.warmupS} s warm-up + ${opts.latencyDurationS} s measured ...`);
  const ids: Record<'local' | 'cross', string[]> = { local: [], cross: [] };
  const errors: Record<string, number> = {};
  const pending: Array<Promise<void>> = [];
  const perf0 = performance.now();
  let meter: Promise<PhaseMeter> | null = null;
  let issued = 0;
  let outstanding = 0;
  let skipped = 0;
  const issue = (i: number) => {
    if (i === warmCount) meter = PhaseMeter.start(db, pids, serverAddress);
    if (outstanding >= 2_000) {
      skipped++;
      return;
    }
    const kind = i % 2 === 0 ? 'local' : 'cross';
    const consumerId = load.consumerIds[Math.floor(i / 2) % load.consumerIds.length];
    const client = kind === 'local' ? load.clients[i % load.clients.length] : clientsB[i % clientsB.length];
    outstanding++;
    pending.push(
      call(client.tasks, 'createTask', { consumerId, method: 'bench.noop', argumentsJson: '{}' }, { deadline: Date.now() + 30_000 }).then(
        (res) => {
          outstanding--;
          if (i >= warmCount && res.task?.id) ids[kind].push(res.task.id);
        },
        (err) => {
          outstanding--;
          const name = errorName(err);
          errors[name] = (errors[name] ?? 0) + 1;
        },
      ),
    );
  };
  while (issued < total && !fatal) {
    const due = Math.min(total, Math.floor(((performance.now() - perf0) * rate) / 1000) + 1);
    while (issued < due) issue(issued++);
    await sleep(1);
  }
  checkFatal();
  const usage = await (await ((meter as Promise<PhaseMeter> | null) ?? PhaseMeter.start(db, pids, serverAddress))).stop();
  await Promise.all(pending);
  const drainS = await drain(db, opts.drainTimeoutS);
  const states: Record<string, number> = {};
  const latency = async (list: string[]) => {
    const ms: number[] = [];
    for (let i = 0; i < list.length; i += 1000) {
      const rows = await db.knex('tasks').select('state', 'create_time', 'end_time').whereIn('id', list.slice(i, i + 1000));
      for (const r of rows as Array<{ state: string; create_time: number; end_time: number | null }>) {
        states[r.state] = (states[r.state] ?? 0) + 1;
        if (r.state === 'SUCCEEDED' && r.end_time !== null) ms.push(Number(r.end_time) - Number(r.create_time));
      }
    }
    return percentiles(ms);
  };
  const local = await latency(ids.local);
  const cross = await latency(ids.cross);
  return {
    method: 'bench.noop',
    offeredRate: rate,
    measuredSeconds: opts.latencyDurationS,
    localEndToEndLatencyMs: local,
    crossServerEndToEndLatencyMs: cross,
    p99DifferenceMs: round(cross.p99 - local.p99, 1),
    p99Ratio: round(cross.p99 / Math.max(local.p99, 0.1), 2),
    // The issue's bar: cross-server p99 within 10 ms of the local figure in the same run.
    withinTenMsOfLocalP99: cross.p99 - local.p99 <= 10,
    skippedBecauseOutstandingOver: skipped ? { skipped, limit: 2_000 } : null,
    createErrors: errors,
    finalStates: states,
    drainSeconds: round(drainS, 2),
    usage,
  };
}

/**
 * Release lag: tasks created SCHEDULED with not_before spread over the next
 * seconds; the lag is the time of each task's WAITING event (written by the
 * server's scheduler when it releases it) minus its not_before. The tasks
 * then run, so the release happens under a realistic background load.
 */
async function releasePhase({ opts, db, load, pids, serverAddress }: PhaseContext) {
  const count = opts.releaseTasks || Math.round(opts.rate * opts.latencyDurationS * 0.2);
  const spreadS = opts.releaseSpreadS || opts.latencyDurationS;
  const spreadMs = spreadS * 1000;
  const startAt = Date.now();
  // Every task is created before the first falls due (creating 100,000 takes a while).
  const firstDue = startAt + 2_000 + Math.round(count * 0.5);
  log(`release: ${count} tasks due at random times over ${spreadS} s ...`);
  const errors: Record<string, number> = {};
  const requests = Array.from({ length: count }, () => {
    const due = firstDue + Math.floor(Math.random() * spreadMs);
    return { consumerId: nextTarget(load).consumerId, method: 'bench.noop', argumentsJson: '{"release":true}', notBeforeTime: msToTimestamp(due) };
  });
  for (let i = 0; i < requests.length; i += 500) {
    try {
      await call(load.clients[0].tasks, 'batchCreateTasks', { requests: requests.slice(i, i + 500) }, { deadline: Date.now() + 30_000 });
    } catch (err) {
      const name = errorName(err);
      errors[name] = (errors[name] ?? 0) + 1;
    }
  }
  const meter = PhaseMeter.start(db, pids, serverAddress);
  await sleep(Math.max(0, firstDue + spreadMs - Date.now()));
  const usage = await (await meter).stop();
  await drain(db, opts.drainTimeoutS);
  const rows = await db
    .knex('task_events')
    .join('tasks', 'tasks.id', 'task_events.task_id')
    .select(db.knex.raw('task_events.event_time - tasks.not_before_time AS lag'))
    .where('task_events.state', 'WAITING')
    .where('tasks.create_time', '>=', startAt)
    .whereNotNull('tasks.not_before_time')
    // One created after its due time was never SCHEDULED: its lag would be the create's, not the release's.
    .whereRaw('tasks.create_time < tasks.not_before_time');
  const lags = rows.map((r: { lag: number }) => Number(r.lag));
  const states = await statesOf(db, (q) => q.where('create_time', '>=', startAt).whereNotNull('not_before_time'));
  return {
    tasks: count,
    spreadSeconds: spreadS,
    releaseLagMs: percentiles(lags),
    releasedEarly: lags.filter((l) => l < 0).length,
    createErrors: errors,
    finalStates: states,
    usage,
  };
}

/**
 * Where a task's time goes, from its own events: created -> DISPATCHED (the
 * claim), DISPATCHED -> RUNNING (to the agent, its journal, back, settled),
 * RUNNING -> SUCCEEDED (the handler, the journal, the reply's settlement).
 */
async function stageBreakdown(db: BenchDatabase, ids: string[]) {
  const toDispatched: number[] = [];
  const toRunning: number[] = [];
  const toSucceeded: number[] = [];
  for (let i = 0; i < ids.length; i += 1000) {
    const rows = await db.knex('task_events').select('task_id', 'state', 'event_time').where('type', 'STATE_CHANGED').whereIn('task_id', ids.slice(i, i + 1000));
    const byTask = new Map<string, Record<string, number>>();
    for (const r of rows as Array<{ task_id: string; state: string; event_time: number }>) {
      const t = byTask.get(r.task_id) ?? {};
      t[r.state] ??= Number(r.event_time);
      byTask.set(r.task_id, t);
    }
    for (const t of byTask.values()) {
      if (t.WAITING !== undefined && t.DISPATCHED !== undefined) toDispatched.push(t.DISPATCHED - t.WAITING);
      if (t.DISPATCHED !== undefined && t.RUNNING !== undefined) toRunning.push(t.RUNNING - t.DISPATCHED);
      if (t.RUNNING !== undefined && t.SUCCEEDED !== undefined) toSucceeded.push(t.SUCCEEDED - t.RUNNING);
    }
  }
  return { createdToDispatched: percentiles(toDispatched), dispatchedToRunning: percentiles(toRunning), runningToSucceeded: percentiles(toSucceeded) };
}

async function historyPhase({ opts, db, load, pids, serverAddress }: PhaseContext) {
  const startAt = Date.now();
  const endAt = startAt + opts.historyDurationS * 1000;
  log(`history: closed loop of packages.install, ${opts.inFlight} in flight, ${opts.historyDurationS} s ...`);
  const meter = await PhaseMeter.start(db, pids, serverAddress);
  const stats = await closedLoop(load, opts.inFlight, 'packages.install', '{"packages":["bench"]}', startAt, endAt);
  const usage = await meter.stop();
  const drainS = await drain(db, opts.drainTimeoutS);
  const k = db.knex;
  const succeeded = await count(k, k('tasks').where({ method: 'packages.install', state: 'SUCCEEDED' }));
  const historyRows = await count(k, k('consumer_history').where('type', 'packages_installed'));
  const distinctRow = await k('consumer_history').where('type', 'packages_installed').countDistinct({ n: 'task_id' }).first();
  const distinctTasks = Number(distinctRow?.n ?? 0);
  const succeededWithoutHistory = await count(
    k,
    k('tasks as t')
      .leftJoin('consumer_history as h', function () {
        this.on('h.task_id', '=', 't.id').andOn('h.type', '=', k.raw('?', ['packages_installed']));
      })
      .where({ 't.method': 'packages.install', 't.state': 'SUCCEEDED' })
      .whereNull('h.id'),
  );
  const historyOfUnsucceeded = await count(k, k('consumer_history as h').join('tasks as t', 't.id', 'h.task_id').where('h.type', 'packages_installed').whereNot('t.state', 'SUCCEEDED'));
  const ok = succeeded > 0 && historyRows === succeeded && distinctTasks === succeeded && succeededWithoutHistory === 0 && historyOfUnsucceeded === 0;
  const firstEnd = await k('tasks').where({ method: 'packages.install', state: 'SUCCEEDED' }).min({ a: 'end_time' }).max({ b: 'end_time' }).first();
  const spanS = firstEnd?.a ? (Number(firstEnd.b) - startAt) / 1000 : 0;
  return {
    method: 'packages.install',
    seconds: opts.historyDurationS,
    created: stats.ok,
    tasksPerSecond: spanS > 0 ? round(succeeded / spanS, 1) : 0,
    succeeded,
    historyRows,
    distinctHistoryTasks: distinctTasks,
    succeededWithoutHistory,
    historyOfUnsucceededTasks: historyOfUnsucceeded,
    exactlyOnce: ok,
    createTaskLatencyMs: percentiles(stats.latenciesMs),
    createErrors: stats.errors,
    finalStates: await statesOf(db, (q) => q.where('method', 'packages.install')),
    drainSeconds: round(drainS, 2),
    usage,
  };
}

// ------------------------------------------------------------------ report

function usageLines(usage: PhaseUsage, tasks: number): string[] {
  const lines = Object.entries(usage.processes).map(
    ([name, u]) => `    ${name.padEnd(8)} CPU ${String(u.cpuPercentOfOneCore).padStart(6)}% of a core (${u.cpuSeconds} s, ${u.systemSeconds} s in the kernel)   peak RSS ${u.peakRssMb} MB (VmHWM ${u.lifetimePeakRssMb} MB)`,
  );
  const m = usage.machine;
  lines.push(`    machine  ${m.busyPercentOfAllCores}% of all ${os.cpus().length} cores busy (user ${m.userPercent}%, system ${m.systemPercent}%, irq+softirq ${m.irqPercent}%, steal ${m.stealPercent}%), iowait ${m.iowaitPercent}%`);
  const rs = usage.responsiveness;
  lines.push(
    `    server responsiveness: Health/Check round trip p50 ${rs.healthCheckRttMs.p50} ms, p99 ${rs.healthCheckRttMs.p99} ms, max ${rs.healthCheckRttMs.max} ms (n=${rs.healthCheckRttMs.count}${rs.failures ? `, ${rs.failures} failed` : ''}); bench event-loop delay p99 ${rs.benchEventLoopDelayMs.p99} ms`,
  );
  const d = usage.database;
  if (!d) return lines; // SQLite: no counters to read from outside the server
  const per = (name: string) => (tasks > 0 ? round(d.totals[name] / tasks, 2) : NaN);
  lines.push(
    `    MySQL    ${d.perSecond.Questions} statements/s (${per('Questions')} per task: select ${per('Com_select')}, insert ${per('Com_insert')}, update ${per('Com_update')}, commit ${per('Com_commit')}), ` +
      `fsyncs ${d.perSecond.Innodb_data_fsyncs}/s, row lock waits ${d.totals.Innodb_row_lock_waits} (${d.totals.Innodb_row_lock_time} ms), deadlocks ${d.totals.Innodb_deadlocks}, rollbacks ${d.totals.Com_rollback}`,
  );
  const c = d.connections;
  lines.push(`    server's DB connections (avg of ${c.samples} samples): ${c.open} open, ${c.executing} executing (max ${c.maxExecuting}), ${c.idleInTransaction} idle in an open transaction, ${c.waitingForRowLock} waiting for a row lock`);
  const executingTotal = c.executingStatements.reduce((a, b) => a + b.samples, 0);
  if (executingTotal) {
    lines.push(`    statements seen executing (share of ${executingTotal} sightings):`);
    for (const e of c.executingStatements.slice(0, 5)) lines.push(`      ${String(Math.round((e.samples / executingTotal) * 100)).padStart(3)}%  ${e.statement}`);
  }
  if (c.lockWaitStatements.length) {
    lines.push('    statements seen waiting for a row lock (sightings):');
    for (const e of c.lockWaitStatements.slice(0, 4)) lines.push(`      ${String(e.samples).padStart(4)}  ${e.statement}`);
  }
  if (d.latestDeadlock) {
    lines.push('    latest deadlock:');
    for (const l of d.latestDeadlock) lines.push(`      ${l}`);
  }
  return lines;
}

function pct(p: Record<string, number>): string {
  return `p50 ${p.p50} ms, p90 ${p.p90} ms, p99 ${p.p99} ms, max ${p.max} ms (n=${p.count})`;
}

function nonEmpty(o: Record<string, number>): string {
  const e = Object.entries(o);
  return e.length ? e.map(([k, v]) => `${k}=${v}`).join(' ') : 'none';
}

function printPhase(name: string, r: any): void {
  log();
  if (name === 'streams') {
    log(`== streams (${r.streams} idle agent streams, ${r.connections} connections of ${r.streamsPerConnection}, from ${r.clientProcesses} processes over ${r.sourceAddresses.length} source addresses)`);
    log(`  all connect at once: ${r.welcomed} welcomed (${r.retries} retries after a refusal), ${r.failed} failed, in ${r.connectAllSeconds} s (server CPU ${r.serverCpuSecondsDuringStorm} s)${r.firstFailure ? `; first refusal: ${r.firstFailure}` : ''}`);
    log(`  server RSS ${r.serverAtRest.rssMb} MB with them (peak ${r.serverAtRest.peakRssMb} MB; ${r.serverRssBeforeMb} MB before: ${r.serverRssPerStreamKb} KiB per stream)`);
    log(`  server CPU at rest over ${r.serverAtRest.seconds} s, heartbeats on: ${r.serverAtRest.cpuPercentOfOneCore}% of one core; streams ended meanwhile: ${r.streamsEndedDuringRest}`);
    return;
  }
  if (name === 'backlog') {
    log(`== backlog (${r.storedTasks} tasks stored: ${r.finishedTasks} finished, ${r.waitingTasks} WAITING for ${r.consumers} consumers)`);
    log(`  restart: Health SERVING ${r.restart.healthServingS} s, first CreateTask answered ${r.restart.createTaskAnsweredS} s after the process started`);
    log(`           with nothing stored (same run): Health SERVING ${r.restartWithNothingStored.healthServingS} s, CreateTask answered ${r.restartWithNothingStored.createTaskAnsweredS} s`);
    log(`  drain: ${r.drainTasksPerSecond} tasks/s (${r.waitingTasks} in ${r.drainSeconds} s from the first connect; server ${r.serverCpuPercentOfOneCoreDuringDrain}% of a core)`);
    log(`  oldest first per consumer: ${r.orderCheck.oldestFirst ? 'YES' : 'NO'} (${r.orderCheck.tasksOutOfOrder} out of order, ${r.orderCheck.tasksMissingOrExtra} missing or extra)   final states: ${nonEmpty(r.finalStates)}`);
    return;
  }
  if (name === 'throughput') {
    log(`== throughput (closed loop, ${r.inFlight} CreateTask in flight, ${r.measuredSeconds} s measured)`);
    log(`  end-to-end:  ${r.tasksPerSecond} tasks/s reached SUCCEEDED inside the window (${r.succeededInWindow} tasks; per second min ${r.completionsPerSecondMin}, max ${r.completionsPerSecondMax})`);
    log(`  accepted:    ${r.createdPerSecond} CreateTask/s (${r.createdInWindow} tasks); backlog when creates stopped: ${r.backlogWhenCreatesStopped}, drained in ${r.drainSeconds} s${r.drainTasksPerSecond ? ` (${r.drainTasksPerSecond} tasks/s with no create load)` : ''}`);
    log(`  CreateTask:  ${pct(r.createTaskLatencyMs)}`);
    log(`  create->SUCCEEDED under saturation: ${pct(r.endToEndLatencyMs)}`);
    log(`  errors: ${nonEmpty(r.createErrors)}   final states: ${nonEmpty(r.finalStates)}`);
    const g = r.grouping;
    log(
      `  server transactions for these ${g.tasks} tasks (from their timestamps): ${g.createTransactions.transactions} creates (${g.createTransactions.tasksPerTransaction} tasks each), ` +
        `${g.dispatchClaims.transactions} dispatch claims (${g.dispatchClaims.tasksPerTransaction} each), ${g.acceptSettlements.transactions} accept settlements (${g.acceptSettlements.tasksPerTransaction} each), ` +
        `${g.replySettlements.transactions} reply settlements (${g.replySettlements.tasksPerTransaction} each)`,
    );
    const commits = r.usage.database?.totals.Com_commit ?? NaN;
    const stamped = g.createTransactions.transactions + g.dispatchClaims.transactions + g.acceptSettlements.transactions + g.replySettlements.transactions;
    if (r.usage.database) log(`  MySQL counted ${commits} commits in the window: ${Math.max(0, commits - stamped)} of them left no timestamp on any task (transactions that changed no task, e.g. dispatch claims that found nothing)`);
    const sc = r.scrape;
    log(`  GET /metrics once a second under this load: ${pct(sc.scrapeMs)}, ${Math.round(sc.bodyBytes / 1024)} KiB${sc.failures ? `, ${sc.failures} failed` : ''}; between the first and last scrape taskplane_tasks_created_total moved by ${sc.createdTotalMoved}, SUCCEEDED bench.noop by ${sc.succeededTotalMoved}`);
  } else if (name === 'latency') {
    log(`== latency (open loop at ${r.offeredRate} tasks/s, ${r.measuredSeconds} s measured)`);
    log(`  create->SUCCEEDED (server end_time - create_time): ${pct(r.endToEndLatencyMs)}`);
    log(`  intended send->SUCCEEDED (includes CreateTask):    ${pct(r.endToEndFromIntendedSendMs)}`);
    log(`  CreateTask (client-observed):                      ${pct(r.createTaskLatencyMs)}`);
    log(`  stages: created->DISPATCHED ${pct(r.stagesMs.createdToDispatched)}`);
    log(`          DISPATCHED->RUNNING ${pct(r.stagesMs.dispatchedToRunning)}`);
    log(`          RUNNING->SUCCEEDED  ${pct(r.stagesMs.runningToSucceeded)}`);
    log(`  achieved create rate ${r.achievedCreateRate}/s; schedule lag p99 ${r.scheduleLagMs.p99} ms${r.skippedBecauseOutstandingOver ? `; SKIPPED ${r.skippedBecauseOutstandingOver.skipped} creates (over ${r.skippedBecauseOutstandingOver.limit} outstanding)` : ''}`);
    log(`  errors: ${nonEmpty(r.createErrors)}   final states: ${nonEmpty(r.finalStates)}`);
  } else if (name === 'cross-server') {
    log(`== cross-server (open loop at ${r.offeredRate} tasks/s, half created on A, which holds the agents, half on B; ${r.measuredSeconds} s measured)`);
    log(`  created on A (local) -> SUCCEEDED: ${pct(r.localEndToEndLatencyMs)}`);
    log(`  created on B (cross) -> SUCCEEDED: ${pct(r.crossServerEndToEndLatencyMs)}`);
    log(`  p99 cross - local: ${r.p99DifferenceMs} ms (ratio ${r.p99Ratio}); within 10 ms: ${r.withinTenMsOfLocalP99 ? 'YES' : 'NO'}${r.skippedBecauseOutstandingOver ? `; SKIPPED ${r.skippedBecauseOutstandingOver.skipped} creates` : ''}`);
    log(`  errors: ${nonEmpty(r.createErrors)}   final states: ${nonEmpty(r.finalStates)}`);
  } else if (name === 'release') {
    log(`== release (${r.tasks} SCHEDULED tasks falling due over ${r.spreadSeconds} s)`);
    log(`  due time -> WAITING (task event time - not_before): ${pct(r.releaseLagMs)}`);
    log(`  released early: ${r.releasedEarly} (must be 0)   errors: ${nonEmpty(r.createErrors)}   final states: ${nonEmpty(r.finalStates)}`);
  } else {
    log(`== history (packages.install, closed loop, ${r.seconds} s)`);
    log(`  ${r.succeeded} SUCCEEDED, ${r.historyRows} history rows for ${r.distinctHistoryTasks} distinct tasks; succeeded without history: ${r.succeededWithoutHistory}; history of unsucceeded tasks: ${r.historyOfUnsucceededTasks}`);
    log(`  exactly once: ${r.exactlyOnce ? 'YES' : 'NO'}   throughput ${r.tasksPerSecond} tasks/s   CreateTask ${pct(r.createTaskLatencyMs)}`);
    log(`  errors: ${nonEmpty(r.createErrors)}   final states: ${nonEmpty(r.finalStates)}`);
  }
  log('  resources during the measured part (100% = one core busy):');
  const tasks =
    name === 'throughput' ? r.succeededInWindow : name === 'latency' ? r.endToEndLatencyMs.count : name === 'cross-server' ? r.localEndToEndLatencyMs.count + r.crossServerEndToEndLatencyMs.count : name === 'release' ? r.tasks : r.succeeded;
  for (const line of usageLines(r.usage, tasks)) log(line);
}

/** The commit and uncommitted changes the bench ran on (others may be editing the tree). */
function gitState(): { commit: string; dirty: string[] } | null {
  try {
    const cwd = path.resolve(__dirname, '..', '..');
    const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd, encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain'], { cwd, encoding: 'utf8' }).split('\n').filter(Boolean);
    return { commit, dirty };
  } catch {
    return null;
  }
}

function findProfiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.cpuprofile'))
    .map((f) => path.join(dir, f));
}

// -------------------------------------------------------------------- main

async function main(): Promise<number> {
  let parsed: ReturnType<typeof parseBenchOptions>;
  try {
    parsed = parseBenchOptions(process.argv.slice(2));
  } catch (err) {
    process.stderr.write(`bench: ${(err as Error).message}\nrun with --help for the flags\n`);
    return 2;
  }
  if (parsed === 'help') {
    log(BENCH_USAGE);
    return 0;
  }
  const opts = parsed;
  const cleanup = new Cleanup();
  let interrupted = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (interrupted) return;
    interrupted = true;
    childrenExpectedToExit = true;
    process.stderr.write(`\nbench: ${signal}: cleaning up (stopping processes, dropping the database) ...\n`);
    void cleanup.run().finally(() => process.exit(130));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  if (opts.cpuProfDir) fs.mkdirSync(opts.cpuProfDir, { recursive: true });
  const startedAt = new Date().toISOString();
  const failures: string[] = [];
  const report: Record<string, unknown> = { startedAt, command: `node ${path.relative(process.cwd(), __filename)} ${process.argv.slice(2).join(' ')}`.trim(), options: opts };
  let server: ServerProcess | null = null;
  let agents: AgentsProcess | null = null;
  try {
    const phases: Record<string, unknown> = {};
    report.phases = phases;
    const recordPhase = (phase: string, result: unknown) => {
      phases[phase] = result;
      printPhase(phase, result);
      if (phase === 'history' && !(result as { exactlyOnce: boolean }).exactlyOnce) failures.push('history: the number of packages_installed history rows does not equal the number of SUCCEEDED packages.install tasks');
      const states = (result as { finalStates: Record<string, number> }).finalStates;
      const bad = Object.entries(states).filter(([s]) => s !== 'SUCCEEDED');
      if (bad.length) failures.push(`${phase}: tasks that did not succeed: ${bad.map(([s, n]) => `${s}=${n}`).join(' ')}`);
      const errs = (result as { createErrors: Record<string, number> }).createErrors;
      if (Object.keys(errs).length) failures.push(`${phase}: CreateTask errors: ${nonEmpty(errs)}`);
      const r = result as { failed?: number; streamsEndedDuringRest?: number; orderCheck?: { oldestFirst: boolean }; connectFailures?: number };
      if (r.failed) failures.push(`${phase}: ${r.failed} streams were not welcomed`);
      if (r.streamsEndedDuringRest) failures.push(`${phase}: ${r.streamsEndedDuringRest} streams ended while idle (heartbeats not kept?)`);
      if (r.connectFailures) failures.push(`${phase}: ${r.connectFailures} consumers could not connect`);
      if (r.orderCheck && !r.orderCheck.oldestFirst) failures.push(`${phase}: a consumer was sent its tasks out of order, or not all of them`);
    };
    const mainPhases = opts.phases.filter((p) => !SCALE_PHASES.includes(p));
    if (mainPhases.length > 0) {
      const db = await newBenchDatabase(opts, cleanup);
      const dbSettings = await databaseSettings(db);
      report.environment = {
        node: process.version,
        cpus: os.cpus().length,
        cpuModel: os.cpus()[0]?.model,
        memoryGb: round(os.totalmem() / 2 ** 30, 1),
        git: gitState(),
        database: dbSettings,
      };
      log(`taskplane bench: ${opts.consumers} consumers x concurrency ${opts.concurrency}, ${os.cpus().length} CPUs, ${dbSettings.version} ${db.dialect === 'mysql' ? ` (innodb_flush_log_at_trx_commit=${dbSettings.innodb_flush_log_at_trx_commit})` : ' (synchronous=FULL, WAL)'}`);
      const git = gitState();
      log(`database ${db.name}${git ? `; code at ${git.commit}${git.dirty.length ? ` + ${git.dirty.length} uncommitted changes` : ''}` : ''}`);
      server = await startServer(opts, db, cleanup);
      log(`server pid ${server.child.pid} at ${server.address}; its metrics at ${server.metricsUrl}`);

      const clients = Array.from({ length: opts.clientChannels }, () => connect(server!.address, { token: server!.token, channelOptions: { 'grpc.use_local_subchannel_pool': 1 } }));
      cleanup.add('close clients', async () => clients.forEach((c) => c.close()));
      const consumerIds = Array.from({ length: opts.consumers }, (_, i) => `bench-${String(i).padStart(4, '0')}`);
      const credentials: Array<{ consumerId: string; token: string }> = [];
      for (let i = 0; i < consumerIds.length; i += 16) {
        const part = await Promise.all(
          consumerIds.slice(i, i + 16).map(async (consumerId) => {
            const res = await call(clients[0].consumers, 'registerConsumer', { consumerId, labels: { bench: 'true' } });
            return { consumerId, token: res.credential };
          }),
        );
        credentials.push(...part);
      }
      agents = await startAgents(opts, server, credentials, cleanup);
      await waitForAgentsOnline(db, opts.consumers, agents);
      log(`agents pid ${agents.child.pid}: ${opts.consumers} agents connected`);

      const idleProbe = new ResponsivenessProbe(server.address);
      await sleep(1_500);
      const idle = await idleProbe.stop();
      report.idleResponsiveness = idle;
      log(`idle server: Health/Check round trip p50 ${idle.healthCheckRttMs.p50} ms, p99 ${idle.healthCheckRttMs.p99} ms`);
      // The cross-server phase's second server: it holds no agents, so every task created on it is for a stream on A.
      let clientsB: TaskplaneClients[] = [];
      let serverB: ServerProcess | null = null;
      if (opts.phases.includes('cross-server')) {
        serverB = await startServer(opts, db, cleanup);
        log(`server B pid ${serverB.child.pid} at ${serverB.address}`);
        clientsB = Array.from({ length: opts.clientChannels }, () => connect(serverB!.address, { token: serverB!.token, channelOptions: { 'grpc.use_local_subchannel_pool': 1 } }));
        cleanup.add('close clients of B', async () => clientsB.forEach((c) => c.close()));
      }
      const pids: Record<string, number | null> = { server: server.child.pid ?? null, agents: agents.child.pid ?? null, ...(db.dialect === 'mysql' ? { mysql: findDatabasePid() } : {}), bench: process.pid };
      if (serverB) pids.serverB = serverB.child.pid ?? null;
      const ctx: PhaseContext = { serverAddress: server.address, metricsUrl: server.metricsUrl, opts, db, load: { clients, consumerIds, next: 0, creates: opts.creates }, pids };
      for (const phase of mainPhases) {
        const result =
          phase === 'throughput'
            ? await throughputPhase(ctx)
            : phase === 'latency'
              ? await latencyPhase(ctx)
              : phase === 'history'
                ? await historyPhase(ctx)
                : phase === 'cross-server'
                  ? await crossServerPhase(ctx, clientsB)
                  : await releasePhase(ctx);
        recordPhase(phase, result);
      }
    }
    // Phases at fleet scale: each starts its own database and server, after the shared server is stopped.
    const scalePhases = opts.phases.filter((p) => SCALE_PHASES.includes(p));
    if (scalePhases.length > 0) {
      report.environment ??= { node: process.version, cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, memoryGb: round(os.totalmem() / 2 ** 30, 1), git: gitState(), store: opts.store };
      if (agents) {
        stoppedOnPurpose.add(agents.child);
        await agents.stop();
      }
      if (server) {
        stoppedOnPurpose.add(server.child);
        await stopChild(server.child, 30_000);
      }
      const harness = scaleHarness(opts, cleanup);
      for (const phase of scalePhases) {
        log(`\n${phase}: starting on its own ${opts.store} database and server ...`);
        const result = phase === 'streams' ? await streamsPhase(harness) : await backlogPhase(harness);
        recordPhase(phase, result);
      }
    }
  } catch (err) {
    failures.push(`bench failed: ${(err as Error)?.stack ?? err}`);
  } finally {
    childrenExpectedToExit = true;
    // Agents first (so they do not reconnect to a stopping server), then the server.
    if (agents) await agents.stop().catch(() => {});
    if (server) await stopChild(server.child, 30_000).catch(() => {});
    await cleanup.run();
  }
  if (interrupted) return 130;

  const logs = { serverOutputLines: server?.output.lines ?? 0, agentsOutputLines: agents?.output.lines ?? 0 };
  report.logs = logs;
  if (logs.serverOutputLines) log(`\nserver wrote ${logs.serverOutputLines} warn/error lines; last ones:\n${server!.output.text()}`);
  if (logs.agentsOutputLines) log(`\nagents process wrote ${logs.agentsOutputLines} warn/error lines; last ones:\n${agents!.output.text()}`);

  if (opts.cpuProfDir) {
    const profiles: ProfileSummary[] = [];
    for (const [name, dir] of [['server', path.join(opts.cpuProfDir, 'server')], ['agents', path.join(opts.cpuProfDir, 'agents')]]) {
      for (const file of findProfiles(dir)) {
        const summary = summariseProfile(file, 25);
        profiles.push(summary);
        log(`\n== CPU profile of the ${name} process\n${formatSummary(summary, file)}`);
      }
    }
    report.profiles = profiles;
  }

  report.failures = failures;
  report.ok = failures.length === 0;
  fs.mkdirSync(path.dirname(opts.output), { recursive: true });
  fs.writeFileSync(opts.output, `${JSON.stringify(report, null, 2)}\n`);
  log(`\nreport written to ${opts.output}`);
  if (failures.length) {
    process.stderr.write(`\nbench: FAILED\n${failures.map((f) => `  - ${f}`).join('\n')}\n`);
    return 1;
  }
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
    // gRPC channels and timers may linger a moment; nothing left is ours to wait for.
    setTimeout(() => process.exit(code), 500).unref();
  },
  (err) => {
    process.stderr.write(`bench: ${(err as Error)?.stack ?? err}\n`);
    process.exitCode = 1;
  },
);
