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
      serializers: { err: serializeError },
    },
    options.destination ?? pino.destination({ fd: 2, sync: false }),
  );
}

const MAX_ERROR_MESSAGE = 300;
const SQL_STATEMENT = /^\s*(select|insert|update|delete|replace|with|set|begin|start|commit|rollback|savepoint|release|create|alter|drop|pragma)\b/i;

/**
 * Errors as log fields, without what must never reach a log: a database
 * error carries the statement it failed (knex puts the SQL text, with
 * values inlined, first in its message; mysql2 adds `sql`), which can be a
 * megabyte of other consumers' results. What is kept is what an operator
 * needs to act: the type, the driver's code and errno, the database's own
 * message (bounded) and the stack of the code that called.
 */
export function serializeError(err: unknown): unknown {
  if (!(err instanceof Error)) return err;
  const e = err as Error & { code?: unknown; errno?: unknown; sqlState?: unknown; sqlMessage?: unknown; sql?: unknown };
  const fromDatabase = e.sql !== undefined || e.sqlMessage !== undefined || (typeof e.code === 'string' && /^(ER_|SQLITE_)/.test(e.code));
  // knex puts the statement first in the message of any error a query met (a lost connection included): "<sql> - <reason>".
  const startsWithSql = SQL_STATEMENT.test(e.message);
  const message =
    e.sqlMessage !== undefined ? String(e.sqlMessage) : fromDatabase || startsWithSql ? (e.message.includes(' - ') ? e.message.slice(e.message.lastIndexOf(' - ') + 3) : '(database error)') : e.message;
  return {
    type: e.name,
    message: message.length > MAX_ERROR_MESSAGE ? `${message.slice(0, MAX_ERROR_MESSAGE)}...` : message,
    ...(e.code !== undefined ? { code: e.code } : {}),
    ...(e.errno !== undefined ? { errno: e.errno } : {}),
    ...(e.sqlState !== undefined ? { sqlState: e.sqlState } : {}),
    // The stack's first line repeats the message: keep only the frames.
    stack: e.stack?.split('\n').slice(1, 12).join('\n'),
  };
}
