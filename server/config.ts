import { InvalidArgumentError } from './errors';
import { DEFAULT_DATABASE_URL, parseDatabaseUrl } from './store/database';

/** Server settings from flags, then TASKPLANE_* environment variables, then defaults. */
export interface ServerConfig {
  listen: string;
  /** host:port of the HTTP listener (metrics, health, console); '' for none. */
  httpListen: string;
  databaseUrl: string;
  migrate: boolean;
  shutdownTimeoutMs: number;
  /** A silent agent stream is released after this long. */
  agentLivenessTimeoutMs: number;
  /** MySQL connections per server (SQLite always uses one). */
  databasePoolMax: number;
  /** The internal ClusterService address, and the one advertised to other servers (null: defaults). */
  clusterListen: string | null;
  clusterAdvertise: string | null;
  /** The server lease (see server/cluster/server-lease.ts). */
  serverLeaseMs: number;
  /** A held task whose agent has not answered a stop request within this ends FAILED, OutcomeUnknown. */
  abandonAfterMs: number;
  /** Serve TLS with these files (with clientCaFile: mutual TLS). */
  tls: { certFile: string; keyFile: string; clientCaFile: string | null } | null;
  /** Allow plaintext on an address other than loopback. */
  insecure: boolean;
  /** Create calls per second per API token on this server (0: no limit), and the burst. */
  createRateLimit: { perSecond: number; burst: number };
}

export const DEFAULT_LISTEN = '127.0.0.1:50051';
export const DEFAULT_HTTP_LISTEN = '127.0.0.1:8080';

export interface ServerFlags {
  listen?: string;
  'http-listen'?: string;
  'database-url'?: string;
  migrate?: boolean;
  'shutdown-timeout'?: string;
  'agent-liveness-timeout'?: string;
  'database-pool-max'?: string;
  'cluster-listen'?: string;
  'cluster-advertise'?: string;
  'server-lease'?: string;
  'abandon-after'?: string;
  'tls-cert'?: string;
  'tls-key'?: string;
  'tls-client-ca'?: string;
  insecure?: boolean;
  'create-rate-limit'?: string;
}

export const DEFAULT_CREATE_RATE_LIMIT = 200;

export function serverConfig(flags: ServerFlags, env: NodeJS.ProcessEnv = process.env): ServerConfig {
  const listen = hostPort('listen', flags.listen ?? env.TASKPLANE_LISTEN ?? DEFAULT_LISTEN);
  // Empty turns the HTTP listener off.
  const httpText = flags['http-listen'] ?? env.TASKPLANE_HTTP_LISTEN ?? DEFAULT_HTTP_LISTEN;
  const httpListen = httpText === '' ? '' : hostPort('http-listen', httpText, 8080);
  const clusterListenText = flags['cluster-listen'] ?? env.TASKPLANE_CLUSTER_LISTEN;
  const clusterListen = clusterListenText ? hostPort('cluster-listen', clusterListenText) : null;
  const clusterAdvertiseText = flags['cluster-advertise'] ?? env.TASKPLANE_CLUSTER_ADVERTISE;
  const clusterAdvertise = clusterAdvertiseText ? hostPort('cluster-advertise', clusterAdvertiseText) : null;
  const serverLeaseMs = seconds('server-lease', flags['server-lease'] ?? env.TASKPLANE_SERVER_LEASE ?? '10');
  const databaseUrl = flags['database-url'] ?? env.TASKPLANE_DATABASE_URL ?? DEFAULT_DATABASE_URL;
  parseDatabaseUrl(databaseUrl);
  const migrate = flags.migrate ?? truthy(env.TASKPLANE_MIGRATE);
  const shutdownTimeoutMs = seconds('shutdown-timeout', flags['shutdown-timeout'] ?? env.TASKPLANE_SHUTDOWN_TIMEOUT ?? '10');
  const agentLivenessTimeoutMs = seconds('agent-liveness-timeout', flags['agent-liveness-timeout'] ?? env.TASKPLANE_AGENT_LIVENESS_TIMEOUT ?? '30');
  const poolText = flags['database-pool-max'] ?? env.TASKPLANE_DATABASE_POOL_MAX ?? '10';
  const databasePoolMax = Number(poolText);
  if (!Number.isInteger(databasePoolMax) || databasePoolMax < 2 || databasePoolMax > 500) {
    throw new InvalidArgumentError('database-pool-max', `"${poolText}" is not a whole number from 2 to 500`);
  }
  const abandonAfterMs = seconds('abandon-after', flags['abandon-after'] ?? env.TASKPLANE_ABANDON_AFTER ?? '3600');
  const certFile = flags['tls-cert'] ?? env.TASKPLANE_TLS_CERT;
  const keyFile = flags['tls-key'] ?? env.TASKPLANE_TLS_KEY;
  const clientCaFile = flags['tls-client-ca'] ?? env.TASKPLANE_TLS_CLIENT_CA ?? null;
  if (Boolean(certFile) !== Boolean(keyFile)) throw new InvalidArgumentError(certFile ? 'tls-key' : 'tls-cert', 'give --tls-cert and --tls-key together');
  if (clientCaFile && !certFile) throw new InvalidArgumentError('tls-client-ca', 'mutual TLS needs --tls-cert and --tls-key too');
  const tls = certFile && keyFile ? { certFile, keyFile, clientCaFile } : null;
  const insecure = flags.insecure ?? truthy(env.TASKPLANE_INSECURE);
  const rateText = flags['create-rate-limit'] ?? env.TASKPLANE_CREATE_RATE_LIMIT ?? String(DEFAULT_CREATE_RATE_LIMIT);
  const perSecond = Number(rateText);
  if (!Number.isFinite(perSecond) || perSecond < 0) throw new InvalidArgumentError('create-rate-limit', `"${rateText}" is not a number of calls per second (0: no limit)`);
  return { listen, httpListen, databaseUrl, migrate, shutdownTimeoutMs, agentLivenessTimeoutMs, databasePoolMax, clusterListen, clusterAdvertise, serverLeaseMs, abandonAfterMs, tls, insecure, createRateLimit: { perSecond, burst: Math.max(1, Math.ceil(perSecond * 2)) } };
}

function truthy(value: string | undefined): boolean {
  return ['1', 'true', 'yes'].includes((value ?? '').toLowerCase());
}

/** True for 127.0.0.0/8, ::1 and localhost: addresses only this machine reaches. */
export function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h);
}

/** Plaintext only on loopback unless the operator says --insecure: credentials and tokens cross the wire. */
export function assertListenSecure(listen: string, tls: boolean, insecure: boolean): void {
  const host = listen.slice(0, listen.lastIndexOf(':'));
  if (tls || insecure || isLoopback(host)) return;
  throw new InvalidArgumentError('listen', `refusing to serve ${listen} without TLS: give --tls-cert and --tls-key, or --insecure to accept plaintext on a non-loopback address`);
}

function hostPort(flag: string, text: string, examplePort = 50051): string {
  if (!/^(\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]+):\d{1,5}$/.test(text) || Number(text.split(':').pop()) > 65535) {
    throw new InvalidArgumentError(flag, `"${text}" is not host:port (e.g. 127.0.0.1:${examplePort}, 0.0.0.0:${examplePort})`);
  }
  return text;
}

function seconds(flag: string, text: string): number {
  const ms = Number(text) * 1000;
  if (!Number.isFinite(ms) || ms <= 0) throw new InvalidArgumentError(flag, `"${text}" is not a positive number of seconds`);
  return ms;
}

/** A database URL with its password replaced, safe for logs and error messages. */
export function redactDatabaseUrl(url: string): string {
  return url.replace(/^(mysql:\/\/[^:/@]*:)[^@]*@/, '$1***@');
}
