import assert from 'node:assert/strict';
import { fork, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import type { Knex } from 'knex';
import { openDatabase, type Database } from '../../server/store/database';
import { issueBootstrapToken } from '../../server/security/token-manager';
import { call, connect, type TaskplaneClients } from '../../client/client';
import { tempDir } from '../helpers/agent-process';
import { spawn } from 'node:child_process';
import { CLI, exited } from '../helpers/processes';
import { eventually } from '../helpers/server';
import type { AgentsStart } from './agents-main';

/**
 * The fault suite's installation: several real `taskplane server`
 * processes on one database, real agents in a few processes (reaching the
 * servers through TCP proxies the suite can cut or blackhole), clients, and
 * the figures each case prints: acknowledged, lost, executed twice (from
 * the runs file the testing plugin appends to), history twice, time to
 * settle.
 */

const AGENTS_MAIN = path.resolve(__dirname, 'agents-main.js');
const TERMINAL = ['SUCCEEDED', 'FAILED', 'CANCELED', 'TIMED_OUT', 'EXPIRED'];

// Any unhandled rejection in this process fails the case that saw it.
const unhandled: unknown[] = [];
process.on('unhandledRejection', (err) => unhandled.push(err));

export function assertNoUnhandledRejections(): void {
  assert.deepEqual(unhandled.splice(0).map(String), [], 'unhandled promise rejections in the test process');
}

/** A TCP proxy in front of one server: cut() breaks every connection; loseTraffic() drops what agents send, then cuts. */
export class TcpProxy {
  private readonly pairs = new Set<{ client: net.Socket; upstream: net.Socket; blackholed: boolean }>();
  private server!: net.Server;
  port = 0;

  constructor(private readonly targetPort: () => number) {}

  async start(): Promise<void> {
    this.server = net.createServer((client) => {
      const upstream = net.connect(this.targetPort(), '127.0.0.1');
      const pair = { client, upstream, blackholed: false };
      this.pairs.add(pair);
      client.on('data', (d) => {
        if (!pair.blackholed) upstream.write(d);
      });
      upstream.on('data', (d) => client.write(d));
      const close = () => {
        this.pairs.delete(pair);
        client.destroy();
        upstream.destroy();
      };
      for (const s of [client, upstream]) {
        s.on('error', close);
        s.on('close', close);
      }
    });
    // Started again after stop(): the same port, so whoever was pointed at it finds it again.
    await new Promise<void>((resolve) => this.server.listen(this.port, '127.0.0.1', resolve));
    this.port = (this.server.address() as net.AddressInfo).port;
  }

  get address(): string {
    return `127.0.0.1:${this.port}`;
  }

  get listening(): boolean {
    return this.server?.listening ?? false;
  }

  cut(): number {
    const n = this.pairs.size;
    for (const p of [...this.pairs]) {
      p.client.destroy();
      p.upstream.destroy();
    }
    return n;
  }

  /** From now on, bytes from agents are dropped (their replies are lost on the way), until cut(). */
  blackhole(): void {
    for (const p of this.pairs) p.blackholed = true;
  }

  async stop(): Promise<void> {
    this.cut();
    await new Promise((resolve) => this.server.close(resolve));
  }
}

export interface ServerProcess {
  index: number;
  port: number;
  child: ChildProcess | null;
  output: string;
  /** Set while the suite means it to be down. */
  down: boolean;
  /** Exits the suite did not cause. */
  unexpectedExits: string[];
}

export interface Figures {
  case: string;
  acknowledged: number;
  lost: number;
  executedTwice: number;
  historyTwice: number;
  settleMs: number;
  states: Record<string, number>;
  notes?: string;
}

export const TABLE: Figures[] = [];

export interface FaultClusterOptions {
  /** Database URL (server URL plus /name) and an admin URL without a database. */
  databaseUrl: string;
  servers?: number;
  agents?: number;
  agentProcesses?: number;
  concurrency?: number;
  serverArgs?: string[];
}

export class FaultCluster {
  readonly servers: ServerProcess[] = [];
  readonly proxies: TcpProxy[] = [];
  readonly clients: TaskplaneClients[] = [];
  readonly agentProcesses: Array<{ child: ChildProcess | null; agents: Array<{ consumerId: string; token: string }> }> = [];
  readonly consumerIds: string[] = [];
  readonly work = tempDir('faults');
  readonly runsFile = path.join(this.work, 'runs');
  readonly db: Knex;
  /** The admin API token every client of the suite sends (made once the first server has migrated). */
  token = '';
  private readonly database: Database;
  private readonly stateRoot = path.join(this.work, 'agents');

  constructor(private readonly options: FaultClusterOptions) {
    // The store's own connection handling: it fails over between the hosts of a cluster URL too.
    this.database = openDatabase(options.databaseUrl, { poolMax: 4 });
    this.db = this.database.knex;
  }

  get serverCount(): number {
    return this.options.servers ?? 3;
  }

  async start(): Promise<void> {
    fs.mkdirSync(this.stateRoot, { recursive: true });
    for (let i = 0; i < this.serverCount; i++) {
      const s: ServerProcess = { index: i, port: await freePort(), child: null, output: '', down: true, unexpectedExits: [] };
      this.servers.push(s);
      const proxy = new TcpProxy(() => s.port);
      await proxy.start();
      this.proxies.push(proxy);
    }
    // The first migrates alone, then the others start together.
    await this.startServer(0);
    await Promise.all(this.servers.slice(1).map((s) => this.startServer(s.index)));
    // As an operator would once the schema is there: an admin token, written to the store directly.
    this.token = (await issueBootstrapToken(this.db, Date.now(), { name: 'faults', role: 'admin', selector: null, methods: null, expireTime: null })).secret;
    for (const s of this.servers) this.clients.push(connect(`127.0.0.1:${s.port}`, { token: this.token }));
    const count = this.options.agents ?? 50;
    const credentials: Array<{ consumerId: string; token: string }> = [];
    for (let i = 0; i < count; i++) {
      const consumerId = `fault-${String(i).padStart(3, '0')}`;
      const { credential } = await call(this.clients[i % this.clients.length].consumers, 'registerConsumer', { consumerId });
      credentials.push({ consumerId, token: credential });
      this.consumerIds.push(consumerId);
    }
    const processes = this.options.agentProcesses ?? 5;
    for (let p = 0; p < processes; p++) this.agentProcesses.push({ child: null, agents: credentials.filter((_, i) => i % processes === p) });
    await Promise.all(this.agentProcesses.map((_, p) => this.startAgents(p)));
    await this.allAgentsOnline();
  }

  async startServer(i: number): Promise<void> {
    const s = this.servers[i];
    // Warnings only (thousands of tasks would log a line each at info): readiness is probed instead.
    const child = spawn(process.execPath, [CLI, 'server', '--listen', `127.0.0.1:${s.port}`, '--http-listen', '127.0.0.1:0', '--database-url', this.options.databaseUrl, '--migrate', '--server-lease', '2', '--agent-liveness-timeout', '3', ...(this.options.serverArgs ?? [])], {
      env: { ...process.env, TASKPLANE_LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    s.child = child;
    s.output = '';
    const keep = (d: Buffer) => (s.output = (s.output + d).slice(-20_000));
    child.stdout!.on('data', keep);
    child.stderr!.on('data', keep);
    let exitedEarly = false;
    child.once('exit', (code, signal) => {
      exitedEarly = true;
      if (!s.down) s.unexpectedExits.push(`server ${i} exited (code ${code}, signal ${signal}): ${s.output.slice(-4000)}`);
    });
    const probe = connect(`127.0.0.1:${s.port}`, { token: this.token || null });
    try {
      await eventually(`server ${i} to answer`, async () => {
        if (exitedEarly) throw new Error(`server ${i} exited while starting: ${s.output.slice(-4000)}`);
        // Up when it answers: before the first token exists, an UNAUTHENTICATED answer is still an answer.
        return call(probe.consumers, 'listConsumers', { pageSize: 1 }, { deadline: Date.now() + 1000 }).then(
          () => true,
          (err: grpc.ServiceError) => err.code === grpc.status.UNAUTHENTICATED,
        );
      }, 60_000, 100);
    } finally {
      probe.close();
    }
    s.down = false;
  }

  async killServer(i: number, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const s = this.servers[i];
    s.down = true;
    s.child?.kill(signal);
    if (s.child) await exited(s.child);
  }

  async startAgents(p: number): Promise<void> {
    const child = fork(AGENTS_MAIN, [], { stdio: ['ignore', 'pipe', 'pipe', 'ipc'], env: { ...process.env, TASKPLANE_LOG_LEVEL: 'warn' } });
    child.stdout!.resume();
    child.stderr!.resume();
    const started = new Promise<void>((resolve, reject) => {
      child.once('message', () => resolve());
      child.once('exit', (code) => reject(new Error(`agents process ${p} exited with ${code} before it started`)));
    });
    const start: AgentsStart = { type: 'start', servers: this.proxies.map((x) => x.address), stateRoot: this.stateRoot, concurrency: this.options.concurrency ?? 4, agents: this.agentProcesses[p].agents };
    child.send(start);
    await started;
    this.agentProcesses[p].child = child;
  }

  async killAgents(p: number, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const child = this.agentProcesses[p].child;
    if (!child) return;
    child.kill(signal);
    if (signal === 'SIGKILL' || signal === 'SIGTERM') await exited(child);
  }

  async allAgentsOnline(deadlineMs = 60_000): Promise<void> {
    await eventually(
      'every agent online',
      async () => Number((await this.db('consumers').whereIn('id', this.consumerIds).whereNotNull('session_id').count({ n: '*' }))[0].n) === this.consumerIds.length,
      deadlineMs,
      100,
    );
  }

  /** The case of the last create(), whose tasks' idempotency keys start with it. */
  lastCaseName = '';

  /** Where the last case's tasks are, by state and attempt (what a failed case prints). */
  async lastCaseStates(): Promise<string> {
    const rows = await this.db('tasks').select('state', 'attempt').count({ n: '*' }).where('idempotency_key', 'like', `${this.lastCaseName}-%`).groupBy('state', 'attempt');
    return rows.map((r: Record<string, unknown>) => `${r.state}/attempt ${r.attempt}: ${r.n}`).join(', ');
  }

  /** A live server's clients, round-robin. */
  private nextClient = 0;
  liveClient(): TaskplaneClients {
    for (let k = 0; k < this.clients.length; k++) {
      const i = this.nextClient++ % this.clients.length;
      if (!this.servers[i].down) return this.clients[i];
    }
    throw new Error('no server is up');
  }

  /**
   * Creates `count` packages.install tasks spread over the consumers and
   * the live servers, `parallel` at a time, each with an idempotency key and
   * retried (same key, next server) until acknowledged: what a careful
   * client does. Resolves with the acknowledged task ids.
   */
  async create(caseName: string, count: number, args: Record<string, unknown> = {}, parallel = 64, onProgress?: (done: number) => void): Promise<string[]> {
    this.lastCaseName = caseName;
    const ids: string[] = new Array(count);
    let next = 0;
    let done = 0;
    const worker = async () => {
      while (next < count) {
        const i = next++;
        const consumerId = this.consumerIds[i % this.consumerIds.length];
        const request = {
          consumerId,
          method: 'packages.install',
          argumentsJson: JSON.stringify({ packages: [`p${i}`], runs_file: this.runsFile, ...args }),
          idempotencyKey: `${caseName}-${i}`,
        };
        const deadline = Date.now() + 120_000;
        for (;;) {
          try {
            const { task } = await call(this.liveClient().tasks, 'createTask', request, { deadline: Date.now() + 10_000 });
            ids[i] = task!.id;
            break;
          } catch (err) {
            const e = err as grpc.ServiceError;
            if (e.code === grpc.status.INVALID_ARGUMENT || e.code === grpc.status.ALREADY_EXISTS || Date.now() > deadline) throw err;
            await new Promise((resolve) => setTimeout(resolve, 50));
          }
        }
        onProgress?.(++done);
      }
    };
    await Promise.all(Array.from({ length: parallel }, worker));
    return ids;
  }

  /** Waits until every task in `ids` is in a terminal state (or the deadline passes); returns how long it took. */
  async settle(ids: string[], deadlineMs = 120_000): Promise<number> {
    const t0 = Date.now();
    try {
      await eventually('every acknowledged task to settle', async () => (await this.unsettled(ids)) === 0, deadlineMs, 200);
    } catch {
      // Counted as lost below.
    }
    return Date.now() - t0;
  }

  private async unsettled(ids: string[]): Promise<number> {
    let found = 0;
    for (let i = 0; i < ids.length; i += 1000) {
      found += Number((await this.db('tasks').whereIn('id', ids.slice(i, i + 1000)).whereIn('state', TERMINAL).count({ n: '*' }))[0].n);
    }
    return ids.length - found;
  }

  /** The case's figures, printed and kept for the table. */
  async figures(caseName: string, ids: string[], settleMs: number, notes?: string): Promise<Figures> {
    const states: Record<string, number> = {};
    let present = 0;
    let settled = 0;
    for (let i = 0; i < ids.length; i += 1000) {
      const rows: Array<{ state: string; n: number }> = await this.db('tasks').select('state').count({ n: '*' }).whereIn('id', ids.slice(i, i + 1000)).groupBy('state') as any;
      for (const r of rows) {
        states[r.state] = (states[r.state] ?? 0) + Number(r.n);
        present += Number(r.n);
        if (TERMINAL.includes(r.state)) settled += Number(r.n);
      }
    }
    const runs = new Map<string, number>();
    if (fs.existsSync(this.runsFile)) for (const line of fs.readFileSync(this.runsFile, 'utf8').split('\n')) if (line) runs.set(line, (runs.get(line) ?? 0) + 1);
    const executedTwice = ids.filter((id) => (runs.get(id) ?? 0) > 1).length;
    let historyTwice = 0;
    for (let i = 0; i < ids.length; i += 1000) {
      const rows = await this.db('consumer_history').select('task_id', 'type').count({ n: '*' }).whereIn('task_id', ids.slice(i, i + 1000)).groupBy('task_id', 'type').having(this.db.raw('COUNT(*) > 1'));
      historyTwice += rows.length;
    }
    const f: Figures = { case: caseName, acknowledged: ids.length, lost: ids.length - Math.min(present, settled), executedTwice, historyTwice, settleMs, states, notes };
    TABLE.push(f);
    process.stdout.write(`      figures: ${formatFigures(f)}\n`);
    return f;
  }

  assertInvariants(f: Figures): void {
    const exits = this.servers.flatMap((s) => s.unexpectedExits.splice(0));
    assert.deepEqual(exits, [], 'no server exited on its own');
    assert.equal(f.lost, 0, 'lost');
    assert.equal(f.executedTwice, 0, 'executed twice');
    assert.equal(f.historyTwice, 0, 'history twice');
    assertNoUnhandledRejections();
  }

  /** Brings back whatever a case took down (servers, agents, stalls). */
  async heal(): Promise<void> {
    for (const p of this.agentProcesses) if (p.child && p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGCONT');
    for (const s of this.servers) if (s.down) await this.startServer(s.index);
    for (let p = 0; p < this.agentProcesses.length; p++) {
      const child = this.agentProcesses[p].child;
      if (!child || child.exitCode !== null || child.signalCode !== null) await this.startAgents(p);
    }
    await this.allAgentsOnline();
  }

  async stop(): Promise<void> {
    for (const p of this.agentProcesses) {
      if (!p.child) continue;
      p.child.kill('SIGCONT');
      p.child.kill('SIGTERM');
      const timer = setTimeout(() => p.child!.kill('SIGKILL'), 10_000);
      await exited(p.child);
      clearTimeout(timer);
    }
    for (const c of this.clients) c.close();
    for (const s of this.servers) {
      if (!s.child || s.down) continue;
      s.down = true;
      s.child.kill('SIGTERM');
      const timer = setTimeout(() => s.child!.kill('SIGKILL'), 20_000);
      await exited(s.child);
      clearTimeout(timer);
    }
    for (const p of this.proxies) await p.stop();
    await this.database.close();
  }
}

export function formatFigures(f: Figures): string {
  const states = Object.entries(f.states).map(([s, n]) => `${s}=${n}`).join(' ');
  return `acknowledged ${f.acknowledged}, lost ${f.lost}, executed twice ${f.executedTwice}, history twice ${f.historyTwice}, time to settle ${(f.settleMs / 1000).toFixed(1)} s (${states})${f.notes ? `; ${f.notes}` : ''}`;
}

// A root hook: the table of every case run, once, at the end (for the issue's resolution note).
after(() => printTable());

export function printTable(): void {
  if (TABLE.length === 0) return;
  const lines = ['', '| case | acknowledged | lost | executed twice | history twice | time to settle |', '|---|---|---|---|---|---|'];
  for (const f of TABLE) lines.push(`| ${f.case} | ${f.acknowledged} | ${f.lost} | ${f.executedTwice} | ${f.historyTwice} | ${(f.settleMs / 1000).toFixed(1)} s |`);
  process.stdout.write(`${lines.join('\n')}\n`);
}

export function mysqlConnection(url: string) {
  const u = new URL(url.replace(/^mysql:/, 'http:'));
  const database = u.pathname.replace(/^\//, '');
  return { host: u.hostname, port: Number(u.port || 3306), user: decodeURIComponent(u.username || 'root'), password: decodeURIComponent(u.password), ...(database ? { database } : {}), supportBigNumbers: true, bigNumberStrings: false };
}

export async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const { port } = s.address() as net.AddressInfo;
  await new Promise((resolve) => s.close(resolve));
  return port;
}
