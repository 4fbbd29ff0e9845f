/**
 * `npm run bench:peers`: taskplane beside BullMQ on Redis, the in-memory
 * queue a user would otherwise pick for "run this job somewhere", measured
 * one after the other on this machine in one run, with the same shape:
 *
 * - the same number of producers' calls in flight (closed loop) and the same
 *   open-loop rates, with latency counted from the intended send time, so
 *   queueing in the client counts;
 * - the same number of workers and concurrency (taskplane: --consumers agents
 *   of --concurrency each in one process; BullMQ: as many Worker instances of
 *   the same concurrency in one process);
 * - the same payload (an empty JSON object) and the same work (none);
 * - the same batching of adds (--creates): "batched" (the default) sends
 *   the adds asked for in one event-loop turn together, taskplane through
 *   its client library's TaskCreator (one BatchCreateTasks call) and BullMQ
 *   through Queue.addBulk; "single" makes one call per task on both sides.
 *
 * BullMQ runs on its own redis-server, started here on a free port and
 * stopped after: once without persistence, once with AOF everysec.
 * taskplane runs through bench/run.ts (MySQL with
 * innodb_flush_log_at_trx_commit=1, agents journaling every task with
 * fdatasync). The agents' journals go to /dev/shm unless --agent-state-dir
 * says otherwise: on a fleet each agent has its own disk, and fifty journals
 * sharing one disk here would measure that disk, not the pipeline (the
 * journal's guarantee is unchanged; only where its fsyncs land moves).
 * One table with the ratios is printed and written as JSON.
 */
import { execFileSync, fork, spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Queue, QueueEvents } from 'bullmq';
import { round, UsageMeter, type ProcessUsage } from './procstat';
import { BENCH_SOURCE_DIR } from './options';

const USAGE = `npm run bench:peers -- [flags]

  --duration S      measured seconds of each phase (15)
  --warmup S        unmeasured seconds before each phase (3)
  --rates R,R       open-loop rates, tasks/s (1000,2000)
  --consumers N     taskplane agents / BullMQ workers (50)
  --concurrency N   tasks each runs at once (8)
  --in-flight N     calls in flight in the closed loop (200)
  --creates MODE    batched (default): the adds of one event-loop turn go together
                    (taskplane: TaskCreator / BatchCreateTasks; BullMQ: addBulk);
                    single: one call per task on both sides
  --agent-state-dir DIR  parent of the agents' journals (/dev/shm: one disk per
                    agent, as on a fleet; give a disk path to share one disk)
  --unix-sockets    both stores through Unix sockets, not loopback TCP: taskplane's
                    server reaches MySQL at its @@socket, BullMQ reaches its
                    redis-server at a socket of its own (the same for both sides)
  --output FILE     JSON report (bench/results/peers.json)
  --skip-taskplane  only the BullMQ side (to check it alone)`;

interface Options {
  durationS: number;
  warmupS: number;
  rates: number[];
  consumers: number;
  concurrency: number;
  inFlight: number;
  creates: 'batched' | 'single';
  agentStateDir: string;
  output: string;
  skipTaskplane: boolean;
  unixSockets: boolean;
}

function parseOptions(argv: string[]): Options | 'help' {
  const { values } = parseArgs({
    args: argv,
    options: {
      duration: { type: 'string' },
      warmup: { type: 'string' },
      rates: { type: 'string' },
      consumers: { type: 'string' },
      concurrency: { type: 'string' },
      'in-flight': { type: 'string' },
      creates: { type: 'string' },
      'agent-state-dir': { type: 'string' },
      output: { type: 'string' },
      'skip-taskplane': { type: 'boolean' },
      'unix-sockets': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return 'help';
  const num = (flag: string, text: string | undefined, fallback: number) => {
    const n = Number(text ?? fallback);
    if (!Number.isFinite(n) || n <= 0) throw new Error(`--${flag}: "${text}" is not a positive number`);
    return n;
  };
  return {
    durationS: num('duration', values.duration, 15),
    warmupS: num('warmup', values.warmup, 3),
    rates: (values.rates ?? '1000,2000').split(',').map((r) => num('rates', r, 0)),
    consumers: num('consumers', values.consumers, 50),
    concurrency: num('concurrency', values.concurrency, 8),
    inFlight: num('in-flight', values['in-flight'], 200),
    creates: parseCreates(values.creates),
    agentStateDir: values['agent-state-dir'] ?? '/dev/shm',
    output: path.resolve(values.output ?? path.join(BENCH_SOURCE_DIR, 'results', 'peers.json')),
    skipTaskplane: values['skip-taskplane'] ?? false,
    unixSockets: values['unix-sockets'] ?? false,
  };
}

function parseCreates(text = 'batched'): Options['creates'] {
  if (text !== 'batched' && text !== 'single') throw new Error(`--creates: "${text}" is neither batched nor single`);
  return text;
}

const log = (line = '') => process.stdout.write(`${line}\n`);
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function p99(values: number[]): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(0.99 * sorted.length) - 1)];
}

/** CPU microseconds per task of each process. */
function cpuPerTask(usage: Record<string, ProcessUsage>, tasks: number): Record<string, number> {
  return Object.fromEntries(Object.entries(usage).map(([name, u]) => [name, round((u.cpuSeconds * 1e6) / Math.max(1, tasks), 0)]));
}

// ------------------------------------------------------------------ BullMQ

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Where BullMQ's clients reach redis-server: its TCP port, or its Unix socket (--unix-sockets). */
export type RedisConnection = { host: string; port: number } | { path: string };

class RedisServer {
  private constructor(
    readonly port: number,
    readonly child: ChildProcess,
    private readonly dir: string,
    readonly connection: RedisConnection,
  ) {}

  static async start(persistence: 'none' | 'aof-everysec', unixSocket: boolean): Promise<RedisServer> {
    const port = await freePort();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'taskplane-peer-redis-'));
    const socketPath = path.join(dir, 'redis.sock');
    const args = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--maxmemory-policy', 'noeviction'];
    if (unixSocket) args.push('--unixsocket', socketPath, '--unixsocketperm', '700');
    args.push(...(persistence === 'aof-everysec' ? ['--appendonly', 'yes', '--appendfsync', 'everysec'] : ['--appendonly', 'no']));
    const child = spawn('redis-server', args, { stdio: ['ignore', 'ignore', 'inherit'] });
    const deadline = Date.now() + 10_000;
    for (;;) {
      const up = await new Promise<boolean>((resolve) => {
        const socket = net.connect(port, '127.0.0.1', () => {
          socket.end();
          resolve(true);
        });
        socket.on('error', () => resolve(false));
      });
      if (up) break;
      if (Date.now() > deadline || child.exitCode !== null) throw new Error(`redis-server did not start on port ${port}`);
      await sleep(20);
    }
    return new RedisServer(port, child, dir, unixSocket ? { path: socketPath } : { host: '127.0.0.1', port });
  }

  async stop(): Promise<void> {
    this.child.kill('SIGTERM');
    if (this.child.exitCode === null) await new Promise((resolve) => this.child.once('exit', resolve));
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

interface PeerResult {
  throughputPerSecond?: number;
  p99FromIntendedMs?: Record<string, number>;
  cpuPerTaskUs: Record<string, Record<string, number>>;
}

async function runBullmq(opts: Options, persistence: 'none' | 'aof-everysec', phases: { throughput: boolean; rates: number[] }): Promise<PeerResult> {
  const redis = await RedisServer.start(persistence, opts.unixSockets);
  const queueName = `bench-${crypto.randomBytes(3).toString('hex')}`;
  const connection = redis.connection;
  const queue = new Queue(queueName, { connection });
  const events = new QueueEvents(queueName, { connection });
  await events.waitUntilReady();
  const worker = fork(path.resolve(__dirname, 'bullmq-worker.js'));
  await new Promise<void>((resolve, reject) => {
    worker.once('message', () => resolve());
    worker.once('exit', (code) => reject(new Error(`the BullMQ worker process exited (${code})`)));
    worker.send({ connection, queue: queueName, workers: opts.consumers, concurrency: opts.concurrency });
  });
  const completions = new Map<string, (at: number) => void>();
  events.on('completed', ({ jobId }) => completions.get(jobId)?.(Date.now()));
  const pids = { producer: process.pid, worker: worker.pid ?? null, redis: redis.child.pid ?? null };
  const result: PeerResult = { cpuPerTaskUs: {} };
  let seq = 0;
  // --creates batched: the adds of one turn leave together, as one addBulk.
  let turn: Array<{ name: string; data: object; opts: { jobId: string; removeOnComplete: boolean }; added: () => void; failed: (err: unknown) => void }> = [];
  const addInTurn = (jobId: string) =>
    new Promise<void>((added, failed) => {
      if (turn.length === 0) {
        setImmediate(() => {
          const jobs = turn;
          turn = [];
          queue.addBulk(jobs.map(({ name, data, opts }) => ({ name, data, opts }))).then(
            () => jobs.forEach((j) => j.added()),
            (err) => jobs.forEach((j) => j.failed(err)),
          );
        });
      }
      turn.push({ name: 'noop', data: {}, opts: { jobId, removeOnComplete: true }, added, failed });
    });
  /** Adds one job; resolves with its completion time. */
  const add = async (): Promise<number> => {
    const jobId = `j${++seq}`;
    const done = new Promise<number>((resolve) => completions.set(jobId, resolve));
    if (opts.creates === 'batched') await addInTurn(jobId);
    else await queue.add('noop', {}, { jobId, removeOnComplete: true });
    const at = await done;
    completions.delete(jobId);
    return at;
  };
  try {
    if (phases.throughput) {
      // Closed loop: --in-flight adds at once, each replaced when its job completes.
      const end = Date.now() + (opts.warmupS + opts.durationS) * 1000;
      const measureFrom = Date.now() + opts.warmupS * 1000;
      let completedInWindow = 0;
      let meter: UsageMeter | null = null;
      const loop = async () => {
        while (Date.now() < end) {
          const at = await add();
          if (at >= measureFrom && at < end) completedInWindow++;
        }
      };
      setTimeout(() => (meter = new UsageMeter(pids)), opts.warmupS * 1000).unref();
      await Promise.all(Array.from({ length: opts.inFlight }, loop));
      const usage = (meter as UsageMeter | null)?.stop() ?? {};
      result.throughputPerSecond = round(completedInWindow / opts.durationS, 1);
      result.cpuPerTaskUs.throughput = cpuPerTask(usage, completedInWindow);
      log(`  BullMQ (${persistence}) closed loop: ${result.throughputPerSecond} jobs/s`);
    }
    result.p99FromIntendedMs = {};
    for (const rate of phases.rates) {
      const total = Math.round((opts.warmupS + opts.durationS) * rate);
      const warm = Math.round(opts.warmupS * rate);
      const latencies: number[] = [];
      const pending: Array<Promise<void>> = [];
      const epoch0 = Date.now();
      const perf0 = performance.now();
      let issued = 0;
      let meter: UsageMeter | null = null;
      while (issued < total) {
        const due = Math.min(total, Math.floor(((performance.now() - perf0) * rate) / 1000) + 1);
        while (issued < due) {
          const i = issued++;
          if (i === warm) meter = new UsageMeter(pids);
          const intended = epoch0 + (i * 1000) / rate;
          pending.push(add().then((at) => void (i >= warm && latencies.push(at - intended))));
        }
        await sleep(1);
      }
      await Promise.all(pending);
      const usage = (meter as UsageMeter | null)?.stop() ?? {};
      result.p99FromIntendedMs[String(rate)] = round(p99(latencies), 1);
      result.cpuPerTaskUs[`rate ${rate}`] = cpuPerTask(usage, latencies.length);
      log(`  BullMQ (${persistence}) open loop at ${rate}/s: p99 ${result.p99FromIntendedMs[String(rate)]} ms from the intended send time`);
    }
    return result;
  } finally {
    worker.send('stop');
    await new Promise((resolve) => (worker.exitCode !== null ? resolve(null) : worker.once('exit', resolve)));
    await events.close();
    await queue.close();
    await redis.stop();
  }
}

// --------------------------------------------------------------- taskplane

function runTaskplane(opts: Options, phases: string, rate: number): any {
  const output = path.join(os.tmpdir(), `taskplane-peers-${process.pid}-${phases}-${rate}.json`);
  const args = [
    path.resolve(__dirname, 'run.js'),
    '--phases', phases,
    '--rate', String(rate),
    '--duration', String(opts.durationS),
    '--latency-duration', String(opts.durationS),
    '--warmup', String(opts.warmupS),
    '--consumers', String(opts.consumers),
    '--concurrency', String(opts.concurrency),
    '--in-flight', String(opts.inFlight),
    '--creates', opts.creates,
    '--agent-state-dir', opts.agentStateDir,
    '--output', output,
    ...(opts.unixSockets ? ['--mysql-socket', mysqlSocket()] : []),
  ];
  execFileSync(process.execPath, args, { stdio: ['ignore', 'inherit', 'inherit'] });
  const report = JSON.parse(fs.readFileSync(output, 'utf8'));
  fs.rmSync(output, { force: true });
  return report;
}

/** The Unix socket of the bench's MySQL, as it reports it. */
function mysqlSocket(): string {
  return execFileSync('mysql', ['-uroot', '-h127.0.0.1', '-N', '-e', 'SELECT @@socket']).toString().trim();
}

function taskplaneResult(opts: Options): PeerResult {
  const result: PeerResult = { cpuPerTaskUs: {}, p99FromIntendedMs: {} };
  opts.rates.forEach((rate, i) => {
    const report = runTaskplane(opts, i === 0 ? 'throughput,latency' : 'latency', rate);
    if (i === 0) {
      const t = report.phases.throughput;
      result.throughputPerSecond = t.tasksPerSecond;
      result.cpuPerTaskUs.throughput = cpuPerTask(t.usage.processes, t.succeededInWindow);
    }
    const l = report.phases.latency;
    result.p99FromIntendedMs![String(rate)] = l.endToEndFromIntendedSendMs.p99;
    result.cpuPerTaskUs[`rate ${rate}`] = cpuPerTask(l.usage.processes, l.endToEndFromIntendedSendMs.count);
  });
  return result;
}

// -------------------------------------------------------------------- main

async function main(): Promise<void> {
  const opts = parseOptions(process.argv.slice(2));
  if (opts === 'help') {
    log(USAGE);
    return;
  }
  const redisVersion = execFileSync('redis-server', ['--version']).toString().trim();
  log(`peers: ${redisVersion}; bullmq ${require('bullmq/package.json').version}; ${os.cpus().length} cores; ${opts.creates} adds; agents' journals in ${opts.agentStateDir}; stores reached over ${opts.unixSockets ? 'Unix sockets' : 'loopback TCP'}`);
  const taskplane = opts.skipTaskplane ? null : taskplaneResult(opts);
  log('BullMQ, no persistence ...');
  const bullmq = await runBullmq(opts, 'none', { throughput: true, rates: opts.rates });
  log('BullMQ, AOF everysec ...');
  const bullmqAof = await runBullmq(opts, 'aof-everysec', { throughput: true, rates: [] });

  const ratio = (a?: number, b?: number) => (a && b ? round(a / b, 2) : NaN);
  log();
  log('| figure | taskplane | BullMQ (no AOF) | BullMQ (AOF everysec) | taskplane / BullMQ (no AOF) |');
  log('|---|---|---|---|---|');
  log(`| end to end, closed loop (${opts.inFlight} in flight), tasks/s | ${taskplane?.throughputPerSecond ?? '-'} | ${bullmq.throughputPerSecond} | ${bullmqAof.throughputPerSecond} | ${ratio(taskplane?.throughputPerSecond, bullmq.throughputPerSecond)}x |`);
  for (const rate of opts.rates) {
    const key = String(rate);
    log(`| p99 create -> done at ${rate}/s offered, ms from intended send | ${taskplane?.p99FromIntendedMs?.[key] ?? '-'} | ${bullmq.p99FromIntendedMs?.[key]} | - | ${ratio(taskplane?.p99FromIntendedMs?.[key], bullmq.p99FromIntendedMs?.[key])}x |`);
  }
  for (const phase of ['throughput', ...opts.rates.map((r) => `rate ${r}`)]) {
    const t = taskplane?.cpuPerTaskUs[phase];
    const b = bullmq.cpuPerTaskUs[phase];
    log(`| CPU per task (${phase}), us | ${t ? Object.entries(t).map(([k, v]) => `${k} ${v}`).join(', ') : '-'} | ${b ? Object.entries(b).map(([k, v]) => `${k} ${v}`).join(', ') : '-'} | - | |`);
  }
  fs.mkdirSync(path.dirname(opts.output), { recursive: true });
  fs.writeFileSync(opts.output, JSON.stringify({ startedAt: new Date().toISOString(), options: opts, taskplane, bullmq, bullmqAof }, null, 2));
  log(`\nreport written to ${opts.output}`);
}

main().then(
  () => process.exit(0),
  (err) => {
    process.stderr.write(`bench:peers failed: ${err?.stack ?? err}\n`);
    process.exit(1);
  },
);
