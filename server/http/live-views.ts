import type { ServerResponse } from 'node:http';
import type { ChangeNotifier } from '../notifier';
import { Wake } from '../wake';
import type { Logger } from '../../common/log';

export interface LiveViewsOptions {
  notifier: ChangeNotifier;
  logger: Logger;
  /** How often a view is read again without a local wake-up: changes made by other servers (default 1 s). */
  pollMs?: number;
  /** A view is read at most this often, however many changes arrive (default 250 ms). */
  minIntervalMs?: number;
  /** A comment line this often keeps idle streams open through proxies (default 15 s). */
  keepAliveMs?: number;
}

/** What one read of a view gives: its JSON, or a refusal that ends the stream (`final`) or not. */
export type ViewRead = { view: unknown } | { failure: unknown; final: boolean };

/**
 * The console's live views, as Server-Sent Events: a view is one GET of the
 * JSON API, read again whenever a task or consumer changes on this server
 * (ChangeNotifier) and at least every `pollMs` for what other servers
 * changed, and sent as an event ("view") only when it differs from the last
 * one sent. Bursts of changes (thousands of tasks a second under load) cost
 * one read per `minIntervalMs`, whatever their number.
 */
export class LiveViews {
  private readonly open = new Set<ServerResponse>();
  private closed = false;

  constructor(private readonly options: LiveViewsOptions) {}

  /** Streams `first`, then `read` again and again, to `res` until the client goes away or the server stops. */
  stream(res: ServerResponse, first: ViewRead, read: () => Promise<ViewRead>): void {
    if (this.closed) {
      res.writeHead(503, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { code: 'UNAVAILABLE', message: 'server is shutting down' } }));
      return;
    }
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache, no-transform', 'x-accel-buffering': 'no' });
    res.write('retry: 2000\n\n');
    this.open.add(res);
    const abort = new AbortController();
    const wake = new Wake();
    const unsubscribe = [this.options.notifier.onAnyTask(wake.fire), this.options.notifier.onConsumerChanged(wake.fire)];
    const keepAlive = setInterval(() => res.write(': keep-alive\n\n'), this.options.keepAliveMs ?? 15_000);
    keepAlive.unref();
    const finish = () => {
      abort.abort();
      clearInterval(keepAlive);
      for (const off of unsubscribe) off();
      this.open.delete(res);
    };
    res.on('close', finish);
    this.run(res, first, read, wake, abort.signal)
      .catch((err) => this.options.logger.error({ event: 'http.live_view_failed', err }, 'live view failed'))
      .finally(() => {
        finish();
        res.end();
      });
  }

  private async run(res: ServerResponse, first: ViewRead, read: () => Promise<ViewRead>, wake: Wake, signal: AbortSignal): Promise<void> {
    const pollMs = this.options.pollMs ?? 1000;
    const minIntervalMs = this.options.minIntervalMs ?? 250;
    let last = '';
    let next: ViewRead | null = first;
    while (!signal.aborted) {
      const startedAt = Date.now();
      const outcome = next ?? (await read());
      next = null;
      if (signal.aborted) return;
      const [event, data] = 'view' in outcome ? ['view', JSON.stringify(outcome.view)] : ['failure', JSON.stringify(outcome.failure)];
      if (data !== last) {
        last = data;
        // The client may be slow: wait for the socket rather than queueing views in memory.
        if (!res.write(`event: ${event}\ndata: ${data}\n\n`)) await drained(res, signal);
      }
      if ('failure' in outcome && outcome.final) return;
      await wake.wait(pollMs, signal);
      const early = minIntervalMs - (Date.now() - startedAt);
      if (early > 0) await delay(early, signal);
    }
  }

  /** Ends every stream (the server is stopping); later ones are refused. */
  closeAll(): void {
    this.closed = true;
    for (const res of this.open) res.end();
    this.open.clear();
  }
}

function drained(res: ServerResponse, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      signal.removeEventListener('abort', done);
      resolve();
    };
    res.once('drain', done);
    signal.addEventListener('abort', done, { once: true });
  });
}

function delay(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
