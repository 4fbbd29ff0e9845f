import pino from 'pino';

/**
 * Structured JSON logs (one object per line) on stderr. Credentials never
 * reach a log line: the paths below are redacted wherever they appear, and
 * database URLs are logged only through redactDatabaseUrl().
 */
export type Logger = pino.Logger;

export function createLogger(options: { level?: string; name?: string } = {}): Logger {
  return pino(
    {
      name: options.name ?? 'taskplane',
      level: options.level ?? process.env.TASKPLANE_LOG_LEVEL ?? 'info',
      redact: {
        paths: ['credential', 'token', 'password', '*.credential', '*.token', '*.password', 'databaseUrl'],
        censor: '[redacted]',
      },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    pino.destination({ fd: 2, sync: false }),
  );
}

/** A database URL with its password replaced, safe for logs and error messages. */
export function redactDatabaseUrl(url: string): string {
  return url.replace(/^(mysql:\/\/[^:/@]*:)[^@]*@/, '$1***@');
}
