import type { Logger } from '../common/log';

/**
 * Warnings that a misbehaving peer can cause at will (reports for unknown
 * or foreign tasks, malformed messages, dropped progress): the first few per
 * key and interval are logged in full, the rest only counted, and one line
 * per key at the end of the interval says how many were held back. A flood
 * then costs a few log lines, not one per message.
 */
export class RateLimitedLog {
  private readonly counts = new Map<string, { logged: number; suppressed: number; event: string }>();
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly logger: Logger,
    private readonly perKeyPerInterval = 5,
    intervalMs = 10_000,
  ) {
    this.timer = setInterval(() => this.summarise(), intervalMs);
    this.timer.unref();
  }

  /** Logs `fields` at warn unless `key` (e.g. a consumer and an event) has used its lines for this interval. */
  warn(key: string, fields: { event: string } & Record<string, unknown>, message: string): void {
    const count = this.counts.get(key) ?? { logged: 0, suppressed: 0, event: fields.event };
    this.counts.set(key, count);
    if (count.logged < this.perKeyPerInterval) {
      count.logged++;
      this.logger.warn(fields, message);
    } else {
      count.suppressed++;
    }
  }

  private summarise(): void {
    for (const [key, count] of this.counts) {
      if (count.suppressed > 0) this.logger.warn({ event: `${count.event}.suppressed`, key, suppressed: count.suppressed }, 'more of the same were not logged');
    }
    this.counts.clear();
  }

  stop(): void {
    this.summarise();
    clearInterval(this.timer);
  }
}
