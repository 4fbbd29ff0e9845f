import type { Logger } from '../common/log';

export interface DatabaseHealthOptions {
  /** One round trip to the database; rejects when it does not answer. */
  ping: () => Promise<void>;
  /** Told when the database stops or starts answering. */
  onChange: (answering: boolean) => void;
  logger: Logger;
  /** Between pings (default 1 s). */
  intervalMs?: number;
  /** A ping slower than this counts as no answer (default 2 s). */
  timeoutMs?: number;
}

/**
 * Watches whether the database answers, so the server can say so: the gRPC
 * health service reports NOT_SERVING while it does not (load balancers and
 * agents go elsewhere; calls that reach us get UNAVAILABLE), and SERVING
 * again as soon as a ping succeeds. A ping a second costs nothing next to
 * the traffic it protects.
 */
export class DatabaseHealth {
  private timer: NodeJS.Timeout | null = null;
  private answering = true;
  private stopped = false;

  constructor(private readonly options: DatabaseHealthOptions) {}

  start(): void {
    this.schedule();
  }

  get isAnswering(): boolean {
    return this.answering;
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.check()
        .catch((err) => this.options.logger.error({ event: 'database.health_failed', err }, 'database health check failed'))
        .finally(() => this.schedule());
    }, this.options.intervalMs ?? 1000);
    this.timer.unref();
  }

  private async check(): Promise<void> {
    const timeoutMs = this.options.timeoutMs ?? 2000;
    let timeout: NodeJS.Timeout | undefined;
    const answered = await Promise.race([
      this.options.ping().then(
        () => true,
        () => false,
      ),
      new Promise<boolean>((resolve) => {
        timeout = setTimeout(() => resolve(false), timeoutMs);
      }),
    ]);
    clearTimeout(timeout);
    if (this.stopped || answered === this.answering) return;
    this.answering = answered;
    if (answered) this.options.logger.info({ event: 'database.answering' }, 'the database answers again; serving');
    else this.options.logger.error({ event: 'database.unreachable', timeoutMs }, 'the database does not answer; health NOT_SERVING until it does');
    this.options.onChange(answered);
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
  }
}
