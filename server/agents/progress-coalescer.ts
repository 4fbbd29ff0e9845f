import type { AgentReport } from '../tasks/settlement';

type Progress = Extract<AgentReport, { kind: 'progress' }>;

/**
 * Progress of one stream's tasks, written at most once per `intervalMs` per
 * task: the first report goes at once, later ones within the interval
 * replace each other and the latest goes when the interval ends. A task's
 * progress is a display, so only the latest matters; an agent reporting
 * thousands a second costs one write a second.
 */
export class ProgressCoalescer {
  private readonly tasks = new Map<string, { lastWritten: number; pending: Progress | null; timer: NodeJS.Timeout | null }>();
  /** Reports replaced by a later one before they were written, since the last read of `takeDropped`. */
  private dropped = 0;

  constructor(
    private readonly intervalMs: number,
    private readonly write: (report: Progress) => void,
  ) {}

  offer(report: Progress): void {
    const now = Date.now();
    const task = this.tasks.get(report.taskId) ?? { lastWritten: -Infinity, pending: null, timer: null };
    this.tasks.set(report.taskId, task);
    if (task.timer === null && now - task.lastWritten >= this.intervalMs) {
      task.lastWritten = now;
      this.write(report);
      return;
    }
    if (task.pending) this.dropped++;
    task.pending = report;
    task.timer ??= setTimeout(() => this.flush(report.taskId), Math.max(0, task.lastWritten + this.intervalMs - now));
    task.timer.unref();
  }

  /** The task is settled or gone from this stream: its pending progress is moot. */
  forget(taskId: string): void {
    const task = this.tasks.get(taskId);
    if (task?.timer) clearTimeout(task.timer);
    this.tasks.delete(taskId);
  }

  takeDropped(): number {
    const n = this.dropped;
    this.dropped = 0;
    return n;
  }

  close(): void {
    for (const taskId of [...this.tasks.keys()]) this.forget(taskId);
  }

  private flush(taskId: string): void {
    const task = this.tasks.get(taskId);
    if (!task) return;
    task.timer = null;
    if (!task.pending) return;
    const report = task.pending;
    task.pending = null;
    task.lastWritten = Date.now();
    this.write(report);
  }
}
