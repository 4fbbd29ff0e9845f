import { InvalidArgumentError } from './errors';
import { DEFAULT_DATABASE_URL, parseDatabaseUrl } from './store/database';

/** Server settings from flags, then TASKPLANE_* environment variables, then defaults. */
export interface ServerConfig {
  listen: string;
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
}

export const DEFAULT_LISTEN = '127.0.0.1:50051';

export interface ServerFlags {
  listen?: string;
  'database-url'?: string;
  migrate?: boolean;
  'shutdown-timeout'?: string;
  'agent-liveness-timeout'?: string;
  'database-pool-max'?: string;
  'cluster-listen'?: string;
  'cluster-advertise'?: string;
  'server-lease'?: string;
  'abandon-after'?: string;
}

export function serverConfig(flags: ServerFlags, env: NodeJS.ProcessEnv = process.env): ServerConfig {
  const listen = hostPort('listen', flags.listen ?? env.TASKPLANE_LISTEN ?? DEFAULT_LISTEN);
  const clusterListenText = flags['cluster-listen'] ?? env.TASKPLANE_CLUSTER_LISTEN;
  const clusterListen = clusterListenText ? hostPort('cluster-listen', clusterListenText) : null;
  const clusterAdvertiseText = flags['cluster-advertise'] ?? env.TASKPLANE_CLUSTER_ADVERTISE;
  const clusterAdvertise = clusterAdvertiseText ? hostPort('cluster-advertise', clusterAdvertiseText) : null;
  const serverLeaseMs = seconds('server-lease', flags['server-lease'] ?? env.TASKPLANE_SERVER_LEASE ?? '10');
  const databaseUrl = flags['database-url'] ?? env.TASKPLANE_DATABASE_URL ?? DEFAULT_DATABASE_URL;
  parseDatabaseUrl(databaseUrl);
  const migrate = flags.migrate ?? ['1', 'true', 'yes'].includes((env.TASKPLANE_MIGRATE ?? '').toLowerCase());
  const shutdownTimeoutMs = seconds('shutdown-timeout', flags['shutdown-timeout'] ?? env.TASKPLANE_SHUTDOWN_TIMEOUT ?? '10');
  const agentLivenessTimeoutMs = seconds('agent-liveness-timeout', flags['agent-liveness-timeout'] ?? env.TASKPLANE_AGENT_LIVENESS_TIMEOUT ?? '30');
  const poolText = flags['database-pool-max'] ?? env.TASKPLANE_DATABASE_POOL_MAX ?? '10';
  const databasePoolMax = Number(poolText);
  if (!Number.isInteger(databasePoolMax) || databasePoolMax < 2 || databasePoolMax > 500) {
    throw new InvalidArgumentError('database-pool-max', `"${poolText}" is not a whole number from 2 to 500`);
  }
  const abandonAfterMs = seconds('abandon-after', flags['abandon-after'] ?? env.TASKPLANE_ABANDON_AFTER ?? '3600');
  return { listen, databaseUrl, migrate, shutdownTimeoutMs, agentLivenessTimeoutMs, databasePoolMax, clusterListen, clusterAdvertise, serverLeaseMs, abandonAfterMs };
}

function hostPort(flag: string, text: string): string {
  if (!/^(\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]+):\d{1,5}$/.test(text) || Number(text.split(':').pop()) > 65535) {
    throw new InvalidArgumentError(flag, `"${text}" is not host:port (e.g. 127.0.0.1:50051, 0.0.0.0:50051)`);
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
