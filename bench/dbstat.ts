import fs from 'node:fs';
import type { Knex } from 'knex';
import { round } from './procstat';

/**
 * What the database saw during a phase, to tell where time goes:
 * - global status counters (server-wide: other clients of the same MySQL
 *   show up here too), as totals and per second;
 * - samples of the server's connections to the bench database: how many
 *   are executing a statement, idle inside an open transaction (held by the
 *   taskplane server while it does something else), or waiting for a row lock.
 */

const STATUS = [
  'Questions',
  'Com_select',
  'Com_insert',
  'Com_update',
  'Com_delete',
  'Com_begin',
  'Com_commit',
  'Com_rollback',
  'Innodb_data_fsyncs',
  'Innodb_row_lock_waits',
  'Innodb_row_lock_time',
  'Innodb_deadlocks',
  'Connections',
];

async function globalStatus(knex: Knex): Promise<Record<string, number>> {
  const [rows] = (await knex.raw(`SHOW GLOBAL STATUS WHERE Variable_name IN (${STATUS.map(() => '?').join(',')})`, STATUS)) as [Array<{ Variable_name: string; Value: string }>];
  return Object.fromEntries(rows.map((r) => [r.Variable_name, Number(r.Value)]));
}

export interface ConnectionSamples {
  samples: number;
  /** Averages over the samples. */
  open: number;
  executing: number;
  idleInTransaction: number;
  waitingForRowLock: number;
  /** Most connections seen executing at once. */
  maxExecuting: number;
  /** What the executing connections were running, by statement shape: how many samples saw it. */
  executingStatements: Array<{ statement: string; samples: number }>;
  /** Statements seen waiting for a row lock, by shape. */
  lockWaitStatements: Array<{ statement: string; samples: number }>;
}

/** A statement's shape: literals and IN lists folded, so samples of the same statement add up. */
export function statementShape(sql: string): string {
  return sql
    .replace(/'(?:[^'\\]|\\.)*'/g, '?')
    .replace(/\b\d+\b/g, '?')
    .replace(/\(\s*\?(?:\s*,\s*\?)*\s*\)/g, '(?+)')
    .replace(/(\(\?\+\)\s*,\s*)+\(\?\+\)/g, '(?+),...')
    .replace(/(when \? then \?\s*)+/gi, 'when ? then ? ... ')
    .replace(/\bvalues\s*\(.*$/is, 'values (...)')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 160);
}

function top(map: Map<string, number>, n = 8): Array<{ statement: string; samples: number }> {
  return [...map.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([statement, samples]) => ({ statement, samples }));
}

export interface DbUsage {
  seconds: number;
  /** Counter deltas over the interval. */
  totals: Record<string, number>;
  perSecond: Record<string, number>;
  connections: ConnectionSamples;
  /** The statements of the latest deadlock InnoDB detected (if any in this interval, and in the bench database). */
  latestDeadlock: string[] | null;
}

/** The statements of the latest detected deadlock, from SHOW ENGINE INNODB STATUS, if it involved `database`. */
async function latestDeadlock(knex: Knex, database: string): Promise<string[] | null> {
  const [rows] = (await knex.raw('SHOW ENGINE INNODB STATUS')) as [Array<{ Status: string }>];
  const status = rows[0]?.Status ?? '';
  const start = status.indexOf('LATEST DETECTED DEADLOCK');
  if (start < 0) return null;
  const end = status.indexOf('\n------------\nTRANSACTIONS', start);
  const section = status.slice(start, end > 0 ? end : undefined);
  if (!section.includes(database)) return null;
  const lines = section.split('\n');
  const out: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (/^\*\*\* \(\d\) TRANSACTION:/.test(line) || /^\*\*\* WE ROLL BACK/.test(line)) out.push(line);
    else if (/^\*\*\* \(\d\) (HOLDS|WAITING FOR)/.test(line)) out.push(`${line} ${(lines[i + 1] ?? '').slice(0, 160)}`);
    else if (/^(select|update|insert|delete)\b/i.test(line)) out.push(`  ${statementShape(line)}`);
  }
  return out;
}

/** Connection ids to leave out of the samples (the bench's own). */
export class DbMeter {
  private before: Record<string, number> = {};
  private startedAt = 0;
  private timer: NodeJS.Timeout | null = null;
  private sampling: Promise<void> | null = null;
  private readonly acc = { samples: 0, open: 0, executing: 0, idleInTransaction: 0, waitingForRowLock: 0, maxExecuting: 0 };
  private readonly executingShapes = new Map<string, number>();
  private readonly lockWaitShapes = new Map<string, number>();

  private constructor(
    private readonly knex: Knex,
    private readonly database: string,
    private readonly excludeIds: Set<number>,
  ) {}

  static async start(knex: Knex, database: string, excludeIds: Set<number>, sampleMs = 250): Promise<DbMeter> {
    const m = new DbMeter(knex, database, excludeIds);
    m.before = await globalStatus(knex);
    m.startedAt = performance.now();
    m.timer = setInterval(() => {
      if (!m.sampling) m.sampling = m.sample().catch(() => {}).finally(() => (m.sampling = null));
    }, sampleMs);
    m.timer.unref();
    return m;
  }

  private async sample(): Promise<void> {
    const [rows] = (await this.knex.raw(
      `SELECT p.ID AS id, p.COMMAND AS command, p.INFO AS info, t.trx_state AS trx
         FROM information_schema.PROCESSLIST p
         LEFT JOIN information_schema.INNODB_TRX t ON t.trx_mysql_thread_id = p.ID
        WHERE p.DB = ?`,
      [this.database],
    )) as [Array<{ id: number; command: string; info: string | null; trx: string | null }>];
    let open = 0;
    let executing = 0;
    let idleInTrx = 0;
    let lockWait = 0;
    for (const r of rows) {
      if (this.excludeIds.has(Number(r.id))) continue;
      open++;
      const shape = r.info ? statementShape(r.info) : null;
      if (r.command === 'Query' || r.command === 'Execute') {
        executing++;
        if (shape) this.executingShapes.set(shape, (this.executingShapes.get(shape) ?? 0) + 1);
      } else if (r.trx) idleInTrx++;
      if (r.trx === 'LOCK WAIT') {
        lockWait++;
        if (shape) this.lockWaitShapes.set(shape, (this.lockWaitShapes.get(shape) ?? 0) + 1);
      }
    }
    this.acc.samples++;
    this.acc.open += open;
    this.acc.executing += executing;
    this.acc.idleInTransaction += idleInTrx;
    this.acc.waitingForRowLock += lockWait;
    this.acc.maxExecuting = Math.max(this.acc.maxExecuting, executing);
  }

  async stop(): Promise<DbUsage> {
    if (this.timer) clearInterval(this.timer);
    await this.sampling;
    const seconds = (performance.now() - this.startedAt) / 1000;
    const after = await globalStatus(this.knex);
    const totals: Record<string, number> = {};
    const perSecond: Record<string, number> = {};
    for (const name of STATUS) {
      totals[name] = (after[name] ?? 0) - (this.before[name] ?? 0);
      perSecond[name] = round(totals[name] / seconds, 1);
    }
    const n = Math.max(1, this.acc.samples);
    return {
      seconds: round(seconds, 2),
      totals,
      perSecond,
      connections: {
        samples: this.acc.samples,
        open: round(this.acc.open / n, 1),
        executing: round(this.acc.executing / n, 1),
        idleInTransaction: round(this.acc.idleInTransaction / n, 1),
        waitingForRowLock: round(this.acc.waitingForRowLock / n, 1),
        maxExecuting: this.acc.maxExecuting,
        executingStatements: top(this.executingShapes),
        lockWaitStatements: top(this.lockWaitShapes),
      },
      latestDeadlock: totals.Innodb_deadlocks > 0 ? await latestDeadlock(this.knex, this.database) : null,
    };
  }
}

/** Whole-machine CPU from /proc/stat, as shares of all cores: busy, and how busy splits (user, system, irq+softirq, steal), iowait. */
export class MachineMeter {
  private readonly before = MachineMeter.read();
  static read(): number[] {
    const line = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0];
    // user nice system idle iowait irq softirq steal (guest times are already inside user)
    return line.trim().split(/\s+/).slice(1, 9).map((v) => Number(v) || 0);
  }
  stop(): MachineUsage {
    const after = MachineMeter.read();
    const d = after.map((v, i) => v - this.before[i]);
    const [user, nice, system, idle, iowait, irq, softirq, steal] = d;
    const total = d.reduce((a, b) => a + b, 0) || 1;
    const p = (v: number) => round((v / total) * 100, 1);
    return {
      busyPercentOfAllCores: p(total - idle - iowait),
      userPercent: p(user + nice),
      systemPercent: p(system),
      irqPercent: p(irq + softirq),
      stealPercent: p(steal),
      iowaitPercent: p(iowait),
    };
  }
}

export interface MachineUsage {
  busyPercentOfAllCores: number;
  userPercent: number;
  systemPercent: number;
  irqPercent: number;
  stealPercent: number;
  iowaitPercent: number;
}
