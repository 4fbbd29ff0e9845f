import pino from 'pino';

/**
 * Logging setup, shared because the server and the agent (and the commands
 * that start them) log the same way: structured JSON (one object per line)
 * on stderr. Credentials never reach a log line: the paths below are
 * redacted wherever they appear, and the server logs database URLs only
 * through redactDatabaseUrl() (server/config.ts).
 */
export type Logger = pino.Logger;

/** `destination`: where the lines go instead of stderr (tests read them back). */
export function createLogger(options: { level?: string; name?: string; destination?: pino.DestinationStream } = {}): Logger {
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
    options.destination ?? pino.destination({ fd: 2, sync: false }),
  );
}
