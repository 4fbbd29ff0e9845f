import fs from 'node:fs';
import path from 'node:path';
import { UsageError } from '../common/exit-codes';
import type { ProcessGroupRecord } from './process-groups';

/** The outcome the agent sends back for a task: exactly one of result or error. */
export type SavedReply = { resultJson: string } | { error: { type: string; message: string; detailsJson: string } };

export interface JournalEntry {
  taskId: string;
  method: string;
  acceptedAt: number;
  reply: SavedReply | null;
  /** The server acknowledged the reply; it need not be sent again. */
  acked: boolean;
  /** Process groups its handler started (kept until it replies): what to stop if the agent dies first. */
  processGroups: ProcessGroupRecord[];
}

/** A journal that belongs to another consumer: one state directory serves one consumer. */
export class JournalOwnerError extends UsageError {}

type Record =
  | { t: 'consumer'; id: string }
  | { t: 'pgid'; id: string; group: ProcessGroupRecord }
  | { t: 'accepted'; id: string; method: string; at: number }
  | { t: 'reply'; id: string; reply: SavedReply; at: number }
  | { t: 'acked'; id: string }
  | { t: 'forget'; id: string };

/** Entries kept after their reply was acknowledged, to answer late redeliveries with the saved reply. */
const KEEP_ACKED = 10_000;

/**
 * The agent's memory across its own restarts (guarantee 2: each task id runs
 * at most once). An append-only file of JSON lines in the state directory;
 * every record is on disk (fsync) before the agent acts on it: "accepted"
 * before it tells the server and starts the handler, "reply" before it sends
 * the reply. Appends that arrive together share one fsync. Its first line
 * names the consumer it belongs to; it refuses to serve another. It also
 * records the process group of each command a running task starts, so an
 * agent that died can stop them when it comes back.
 */
export class Journal {
  private readonly entries = new Map<string, JournalEntry>();
  private fd: number;
  private pending: Array<{ line: string; resolve: () => void; reject: (e: unknown) => void }> = [];
  private flushScheduled = false;
  private owner: string | null = null;
  /** True when there was no journal file before this open. */
  created = false;

  private constructor(
    private readonly file: string,
    readonly consumerId: string,
  ) {
    this.fd = -1;
  }

  /**
   * Opens (creating) the journal of `consumerId` in `stateDir`, replays it,
   * and compacts it. Throws JournalOwnerError if it is another consumer's.
   */
  static open(stateDir: string, consumerId: string): Journal {
    fs.mkdirSync(stateDir, { recursive: true, mode: 0o700 });
    const journal = new Journal(path.join(stateDir, 'journal.jsonl'), consumerId);
    journal.created = !fs.existsSync(journal.file);
    journal.replay();
    if (journal.owner !== null && journal.owner !== consumerId) {
      throw new JournalOwnerError(
        `the journal in ${stateDir} belongs to consumer "${journal.owner}", not "${consumerId}": each consumer needs its own state directory (--state-dir)`,
      );
    }
    journal.compact();
    journal.fd = fs.openSync(journal.file, 'a', 0o600);
    return journal;
  }

  get(taskId: string): JournalEntry | undefined {
    return this.entries.get(taskId);
  }

  /** Tasks accepted whose handler never finished: the agent died while running them. */
  unfinished(): JournalEntry[] {
    return [...this.entries.values()].filter((e) => e.reply === null);
  }

  /** Replies not yet acknowledged by a server: sent again after each connect. */
  outbox(): JournalEntry[] {
    return [...this.entries.values()].filter((e) => e.reply !== null && !e.acked);
  }

  async accepted(taskId: string, method: string): Promise<void> {
    const at = Date.now();
    this.entries.set(taskId, { taskId, method, acceptedAt: at, reply: null, acked: false, processGroups: [] });
    await this.append({ t: 'accepted', id: taskId, method, at });
  }

  /** A running task started a process group: stopped by the next agent run if this one dies first. */
  async processGroup(taskId: string, group: ProcessGroupRecord): Promise<void> {
    const entry = this.entries.get(taskId);
    if (!entry || entry.reply) return;
    entry.processGroups.push(group);
    await this.append({ t: 'pgid', id: taskId, group });
  }

  async replied(taskId: string, reply: SavedReply): Promise<void> {
    const entry = this.entries.get(taskId) ?? { taskId, method: '', acceptedAt: Date.now(), reply: null, acked: false, processGroups: [] };
    entry.reply = reply;
    this.entries.set(taskId, entry);
    await this.append({ t: 'reply', id: taskId, reply, at: Date.now() });
  }

  /** The server has the reply. Not fsynced: losing it only means sending the reply once more. */
  acked(taskId: string): void {
    const entry = this.entries.get(taskId);
    if (!entry || entry.acked) return;
    entry.acked = true;
    // A failed write of this record costs one more send of a reply the server already has (it acks duplicates): nothing to do.
    void this.append({ t: 'acked', id: taskId }).catch(() => {});
  }

  /** Drops an accepted task that was handed back unstarted-equivalent (re-run safe), so it may run again. */
  async forget(taskId: string): Promise<void> {
    this.entries.delete(taskId);
    await this.append({ t: 'forget', id: taskId });
  }

  close(): void {
    if (this.fd >= 0) fs.closeSync(this.fd);
    this.fd = -1;
  }

  private append(record: Record): Promise<void> {
    return new Promise((resolve, reject) => {
      this.pending.push({ line: `${JSON.stringify(record)}\n`, resolve, reject });
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    this.flushScheduled = false;
    const batch = this.pending;
    this.pending = [];
    if (batch.length === 0) return;
    const done = (err: NodeJS.ErrnoException | null) => batch.forEach((p) => (err ? p.reject(err) : p.resolve()));
    fs.write(this.fd, batch.map((p) => p.line).join(''), (err) => {
      if (err) return done(err);
      fs.fdatasync(this.fd, done);
    });
  }

  private replay(): void {
    if (!fs.existsSync(this.file)) return;
    for (const line of fs.readFileSync(this.file, 'utf8').split('\n')) {
      if (!line.trim()) continue;
      let record: Record;
      try {
        record = JSON.parse(line);
      } catch {
        continue; // a torn last line from a crash mid-write: that record was never acted on
      }
      if (record.t === 'consumer') this.owner ??= record.id;
      else if (record.t === 'accepted') this.entries.set(record.id, { taskId: record.id, method: record.method, acceptedAt: record.at, reply: null, acked: false, processGroups: [] });
      else if (record.t === 'pgid') this.entries.get(record.id)?.processGroups.push(record.group);
      else if (record.t === 'reply') {
        const e = this.entries.get(record.id) ?? { taskId: record.id, method: '', acceptedAt: record.at, reply: null, acked: false, processGroups: [] };
        e.reply = record.reply;
        this.entries.set(record.id, e);
      } else if (record.t === 'acked') {
        const e = this.entries.get(record.id);
        if (e) e.acked = true;
      } else if (record.t === 'forget') this.entries.delete(record.id);
    }
  }

  /** Rewrites the file with one line per live entry (atomically: temp file, fsync, rename). */
  private compact(): void {
    const acked = [...this.entries.values()].filter((e) => e.acked).sort((a, b) => a.acceptedAt - b.acceptedAt);
    for (const e of acked.slice(0, Math.max(0, acked.length - KEEP_ACKED))) this.entries.delete(e.taskId);
    const lines: string[] = [JSON.stringify({ t: 'consumer', id: this.consumerId })];
    for (const e of this.entries.values()) {
      lines.push(JSON.stringify({ t: 'accepted', id: e.taskId, method: e.method, at: e.acceptedAt }));
      // Once a task replied, its handler and its commands are done: the groups need no stopping.
      if (!e.reply) for (const group of e.processGroups) lines.push(JSON.stringify({ t: 'pgid', id: e.taskId, group }));
      if (e.reply) lines.push(JSON.stringify({ t: 'reply', id: e.taskId, reply: e.reply, at: e.acceptedAt }));
      if (e.acked) lines.push(JSON.stringify({ t: 'acked', id: e.taskId }));
    }
    const tmp = `${this.file}.tmp`;
    const fd = fs.openSync(tmp, 'w', 0o600);
    fs.writeSync(fd, lines.length ? `${lines.join('\n')}\n` : '');
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    fs.renameSync(tmp, this.file);
  }
}
