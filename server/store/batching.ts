import type { Knex } from 'knex';

/**
 * Tools for the write path that must be fast: many row changes per
 * statement, many statements per transaction, retried on the deadlocks that
 * concurrent multi-row writes can hit on MySQL/MariaDB.
 */

type Row = Record<string, unknown>;

/**
 * One UPDATE for many rows with different values:
 *   UPDATE t SET c = CASE id WHEN ? THEN ? ... ELSE c END, ... WHERE id IN (...)
 * `changes` maps id -> {column: value}; a value may be a knex.raw().
 * `stateIn`, when given, guards the update (AND state IN (...)), as every
 * write of a task's state is guarded.
 * Returns the number of rows the database reports as matched/affected.
 */
export async function updateRowsById(trx: Knex.Transaction, table: string, changes: Map<string, Row>, stateIn?: readonly string[], chunk = 200): Promise<number> {
  const entries = [...changes.entries()];
  let total = 0;
  for (let i = 0; i < entries.length; i += chunk) {
    const part = entries.slice(i, i + chunk);
    const columns = [...new Set(part.flatMap(([, c]) => Object.keys(c)))];
    const set: Record<string, Knex.Raw> = {};
    for (const column of columns) {
      const withValue = part.filter(([, c]) => column in c);
      const whens = withValue.map(() => 'WHEN ? THEN ?').join(' ');
      const bindings = withValue.flatMap(([id, c]) => [id, c[column] as Knex.Value]);
      set[column] = trx.raw(`CASE ?? ${whens} ELSE ?? END`, ['id', ...bindings, column]);
    }
    const q = trx(table).whereIn('id', part.map(([id]) => id));
    if (stateIn) q.whereIn('state', stateIn);
    total += await q.update(set);
  }
  return total;
}

const RETRYABLE_MYSQL_ERRORS = new Set(['ER_LOCK_DEADLOCK', 'ER_LOCK_WAIT_TIMEOUT']); // 1213, 1205

/**
 * A transaction the database rolled back whole, that may simply run again:
 * a deadlock or lock-wait timeout (1213, 1205), which is also how Galera
 * and Group Replication report a certification conflict with a transaction
 * committed on another node (1213, "WSREP detected deadlock/conflict");
 * a Galera node that is not ready (1047, outside the primary component)
 * and a Group Replication member that is no longer the primary (1290,
 * read-only): they ran nothing, and the retry gets a connection to another
 * node (see database.ts).
 */
export function isRetryableConflict(err: unknown): boolean {
  const e = err as { code?: string; errno?: number };
  return RETRYABLE_MYSQL_ERRORS.has(e?.code ?? '') || e?.errno === 1213 || e?.errno === 1205 || e?.errno === 1047 || e?.errno === 1290 || e?.code === 'SQLITE_BUSY';
}

/**
 * Runs `work` in a transaction, again from the start when the database
 * chose it as a deadlock victim (MySQL rolls the whole transaction back, so
 * re-running it loses and duplicates nothing).
 */
export async function transactionWithRetry<T>(knex: Knex, work: (trx: Knex.Transaction) => Promise<T>, attempts = 8): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await knex.transaction(work);
    } catch (err) {
      if (!isRetryableConflict(err) || attempt >= attempts) throw err;
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 5 * attempt));
    }
  }
}

/**
 * Group commit: collects operations and hands them to `flush` in groups of
 * at most `maxBatch`. When a flush slot is free, a group leaves after
 * `lingerMs` (0: at the end of the current event-loop turn), so operations
 * that come in quick succession share a transaction; while all
 * `maxInFlight` slots are busy, what arrives waits and forms the next group,
 * so groups grow with load. A full group leaves at once.
 */
export class Batcher<Op, Result> {
  private queue: Array<{ op: Op; resolve: (r: Result) => void; reject: (e: unknown) => void }> = [];
  private scheduled = false;
  private flushing = 0;

  constructor(
    private readonly flush: (ops: Op[]) => Promise<Result[]>,
    private readonly maxBatch = 200,
    private readonly maxInFlight = 1,
    private readonly lingerMs = 0,
  ) {}

  submit(op: Op): Promise<Result> {
    return new Promise((resolve, reject) => {
      this.queue.push({ op, resolve, reject });
      if (this.queue.length >= this.maxBatch) this.kick();
      else if (!this.scheduled && this.flushing < this.maxInFlight) {
        this.scheduled = true;
        if (this.lingerMs > 0) setTimeout(() => this.kick(), this.lingerMs);
        else setImmediate(() => this.kick());
      }
    });
  }

  /** Resolves when everything submitted so far has been flushed. */
  async drain(): Promise<void> {
    while (this.queue.length > 0 || this.flushing > 0) {
      await new Promise((resolve) => setImmediate(resolve));
      this.kick();
    }
  }

  private kick(): void {
    this.scheduled = false;
    if (this.flushing >= this.maxInFlight || this.queue.length === 0) return;
    const group = this.queue.splice(0, this.maxBatch);
    this.flushing++;
    this.flush(group.map((g) => g.op)).then(
      (results) => group.forEach((g, i) => g.resolve(results[i])),
      (err) => group.forEach((g) => g.reject(err)),
    ).finally(() => {
      this.flushing--;
      if (this.queue.length > 0) this.kick();
    });
  }
}
