import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Logger } from '../../common/log';
import type { ChangeNotifier } from '../notifier';
import { InvalidArgumentError } from '../errors';
import type { Authorize } from './authorize';
import type { ApiRequest, Route } from './console-api';
import { HttpRefusal, toHttpError } from './http-status';
import { LiveViews, type ViewRead } from './live-views';

/** The console's files: plain HTML, CSS and JavaScript modules, served as they are in the source tree (no build step). */
export const CONSOLE_ROOT = path.basename(path.resolve(__dirname, '..', '..')) === 'dist' ? path.resolve(__dirname, '..', '..', '..', 'server', 'http', 'console') : path.join(__dirname, 'console');

const MAX_BODY_BYTES = 1024 * 1024;
const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};
// Everything the console loads comes from this server: no CDN, no inline script.
const CONSOLE_HEADERS = {
  'content-security-policy': "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-cache',
};

export interface Readiness {
  ready: boolean;
  /** Each check and what it found, e.g. {database: "answering", migrations: "current"}. */
  checks: Record<string, string>;
}

export interface HttpListenerOptions {
  /** host:port; port 0 picks a free one (see HttpListener.port). */
  listen: string;
  logger: Logger;
  routes: Route[];
  notifier: ChangeNotifier;
  /** The Prometheus text of /metrics. */
  scrape: () => Promise<{ contentType: string; body: string }>;
  readiness: () => Promise<Readiness>;
  /** Authentication and permission checks (see authorize.ts). */
  authorize: Authorize;
  /** How often live views look for changes made by other servers (default 1 s). */
  livePollMs?: number;
}

/**
 * The HTTP listener beside gRPC (node:http): /healthz (the process is up),
 * /readyz (the database answers and the schema is current), /metrics
 * (Prometheus), the console's JSON API under /api/ with its live views as
 * Server-Sent Events under /api/live/, and the console itself at /.
 */
export class HttpListener {
  private readonly live: LiveViews;
  private readonly authorize: Authorize;
  private readonly loopbackOnly: boolean;

  private constructor(
    private readonly server: http.Server,
    private readonly options: HttpListenerOptions,
    readonly port: number,
  ) {
    this.live = new LiveViews({ notifier: options.notifier, logger: options.logger, pollMs: options.livePollMs });
    this.authorize = options.authorize;
    this.loopbackOnly = isLoopback(hostOf(options.listen));
  }

  static async start(options: HttpListenerOptions): Promise<HttpListener> {
    const server = http.createServer();
    const host = hostOf(options.listen).replace(/^\[(.*)\]$/, '$1');
    const port = Number(options.listen.slice(options.listen.lastIndexOf(':') + 1));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    const listener = new HttpListener(server, options, (server.address() as AddressInfo).port);
    server.on('request', (req, res) => {
      listener.handle(req, res).catch((err) => {
        options.logger.error({ event: 'http.request_failed', err }, 'could not answer an HTTP request');
        res.destroy();
      });
    });
    return listener;
  }

  /** Ends the live views and every connection. */
  async stop(): Promise<void> {
    this.live.closeAll();
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://taskplane');
    res.setHeader('x-content-type-options', 'nosniff');
    try {
      this.checkHost(req);
      const route = url.pathname;
      if (route === '/healthz') return json(res, 200, { status: 'ok' });
      if (route === '/readyz') {
        const readiness = await this.options.readiness();
        return json(res, readiness.ready ? 200 : 503, readiness);
      }
      if (route === '/metrics') {
        const { contentType, body } = await this.authorize(req, ['metrics'], () => this.options.scrape());
        res.writeHead(200, { 'content-type': contentType }).end(body);
        return;
      }
      if (route.startsWith('/api/')) return await this.api(req, res, url);
      return await this.file(req, res, route);
    } catch (err) {
      const { status, body } = toHttpError(err, this.options.logger, `${req.method} ${url.pathname}`);
      if (!res.headersSent) json(res, status, body);
      else res.end();
    }
  }

  /**
   * A browser page of another site may resolve its own host name to
   * 127.0.0.1 (DNS rebinding) and so reach a listener on the loopback
   * address as if from the same origin: on loopback, only loopback host
   * names are served.
   */
  private checkHost(req: http.IncomingMessage): void {
    const host = req.headers.host;
    if (!this.loopbackOnly || host === undefined) return;
    if (!isLoopback(host.replace(/:\d+$/, ''))) throw new HttpRefusal(403, 'PERMISSION_DENIED', `this listener is on a loopback address and serves only localhost, not "${host.slice(0, 100)}"`);
  }

  private async api(req: http.IncomingMessage, res: http.ServerResponse, url: URL): Promise<void> {
    const live = url.pathname.startsWith('/api/live/');
    const apiPath = url.pathname.slice(live ? '/api/live'.length : '/api'.length);
    const candidates = this.options.routes.filter((r) => r.pattern.test(apiPath));
    if (candidates.length === 0) throw new HttpRefusal(404, 'NOT_FOUND', `no such API route: ${url.pathname.slice(0, 200)}`);
    const method = req.method === 'HEAD' ? 'GET' : req.method;
    const route = candidates.find((r) => r.method === method && (!live || r.method === 'GET'));
    if (!route) {
      res.setHeader('allow', live ? 'GET' : [...new Set(candidates.map((r) => r.method))].join(', '));
      throw new HttpRefusal(405, 'UNIMPLEMENTED', `${req.method} is not allowed on ${url.pathname.slice(0, 200)}`);
    }
    const asked: Omit<ApiRequest, 'caller'> = {
      params: route.pattern.exec(apiPath)!.slice(1).map(decodeParam),
      query: url.searchParams,
      body: route.method === 'POST' ? await readJson(req) : undefined,
      headers: req.headers,
    };
    const permissions = typeof route.permissions === 'function' ? route.permissions(asked as ApiRequest) : route.permissions;
    let request!: ApiRequest;
    // The first read answers the request, with its status if it fails; a live view then streams, as the same caller.
    const first = await this.authorize(req, permissions, (caller) => {
      request = { ...asked, caller };
      return route.handle(request);
    });
    if (!live) return json(res, 200, first);
    const routeName = `GET ${url.pathname}`;
    this.live.stream(res, { view: first }, async (): Promise<ViewRead> => {
      try {
        return { view: await route.handle(request) };
      } catch (err) {
        const { status, body } = toHttpError(err, this.options.logger, routeName);
        return { failure: body, final: status < 500 };
      }
    });
  }

  private async file(req: http.IncomingMessage, res: http.ServerResponse, route: string): Promise<void> {
    if (req.method !== 'GET' && req.method !== 'HEAD') throw new HttpRefusal(405, 'UNIMPLEMENTED', `${req.method} is not allowed on ${route.slice(0, 200)}`);
    const name = route === '/' ? 'index.html' : /^\/console\/([a-z0-9-]+(?:\/[a-z0-9-]+)*\.(?:js|css|svg|png))$/.exec(route)?.[1];
    if (!name) throw new HttpRefusal(404, 'NOT_FOUND', `no such page: ${route.slice(0, 200)}`);
    let body: Buffer;
    try {
      body = await fs.promises.readFile(path.join(CONSOLE_ROOT, name));
    } catch {
      throw new HttpRefusal(404, 'NOT_FOUND', `no such file: ${route.slice(0, 200)}`);
    }
    res.writeHead(200, { 'content-type': CONTENT_TYPES[path.extname(name)], ...CONSOLE_HEADERS });
    res.end(req.method === 'HEAD' ? undefined : body);
  }
}

function json(res: http.ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' }).end(JSON.stringify(body));
}

/** A POST body: JSON only, which also keeps other sites' forms out (they cannot send it without asking first). */
async function readJson(req: http.IncomingMessage): Promise<unknown> {
  const type = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
  if (type !== 'application/json') throw new HttpRefusal(415, 'INVALID_ARGUMENT', 'the body must be JSON, sent as Content-Type: application/json');
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new HttpRefusal(413, 'RESOURCE_EXHAUSTED', `the body is larger than ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new InvalidArgumentError('body', `is not valid JSON (${(err as Error).message})`);
  }
}

function decodeParam(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    throw new HttpRefusal(400, 'INVALID_ARGUMENT', 'the path is not valid percent-encoding');
  }
}

function hostOf(listen: string): string {
  return listen.slice(0, listen.lastIndexOf(':'));
}

function isLoopback(host: string): boolean {
  const bare = host.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  return bare === 'localhost' || bare === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(bare);
}
