import { InvalidArgumentError } from './errors';
import { DEFAULT_DATABASE_URL, parseDatabaseUrl } from './store/database';

/** Server settings from flags, then TASKPLANE_* environment variables, then defaults. */
export interface ServerConfig {
  listen: string;
  databaseUrl: string;
  migrate: boolean;
  shutdownTimeoutMs: number;
}

export const DEFAULT_LISTEN = '127.0.0.1:50051';

export interface ServerFlags {
  listen?: string;
  'database-url'?: string;
  migrate?: boolean;
  'shutdown-timeout'?: string;
}

export function serverConfig(flags: ServerFlags, env: NodeJS.ProcessEnv = process.env): ServerConfig {
  const listen = flags.listen ?? env.TASKPLANE_LISTEN ?? DEFAULT_LISTEN;
  if (!/^(\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]+):\d{1,5}$/.test(listen) || Number(listen.split(':').pop()) > 65535) {
    throw new InvalidArgumentError('listen', `"${listen}" is not host:port (e.g. 127.0.0.1:50051, 0.0.0.0:50051)`);
  }
  const databaseUrl = flags['database-url'] ?? env.TASKPLANE_DATABASE_URL ?? DEFAULT_DATABASE_URL;
  parseDatabaseUrl(databaseUrl);
  const migrate = flags.migrate ?? ['1', 'true', 'yes'].includes((env.TASKPLANE_MIGRATE ?? '').toLowerCase());
  const timeoutText = flags['shutdown-timeout'] ?? env.TASKPLANE_SHUTDOWN_TIMEOUT ?? '10';
  const shutdownTimeoutMs = Number(timeoutText) * 1000;
  if (!Number.isFinite(shutdownTimeoutMs) || shutdownTimeoutMs <= 0) {
    throw new InvalidArgumentError('shutdown-timeout', `"${timeoutText}" is not a positive number of seconds`);
  }
  return { listen, databaseUrl, migrate, shutdownTimeoutMs };
}
