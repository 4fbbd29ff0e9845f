import { parseArgs } from 'node:util';
import { redactDatabaseUrl, serverConfig } from '../config';
import { openDatabase } from '../store/database';
import { migrateToLatest, pendingMigrations } from '../store/migrate';
import type { Command } from '../../common/command';
import { createLogger } from '../../common/log';
import { Output, outputFormat } from '../../common/output';
import { readFlags } from './flag-errors';

const MIGRATE_USAGE = `taskplane migrate [--database-url URL] [--status]

  Applies pending migrations (safe while other servers start or migrate).
  --status  only list what is pending`;

/** `taskplane migrate`: applies pending migrations, or (--status) lists them. */
export const migrateCommand: Command = {
  usage: MIGRATE_USAGE,
  async run(args) {
    const { values } = parseArgs({ args, options: { 'database-url': { type: 'string' }, status: { type: 'boolean' }, output: { type: 'string' } } });
    return runMigrate(values, new Output(outputFormat(values.output)));
  },
};

async function runMigrate(flags: { 'database-url'?: string; status?: boolean }, out: Output): Promise<number> {
  const { databaseUrl } = readFlags(() => serverConfig({ 'database-url': flags['database-url'] }));
  const db = openDatabase(databaseUrl);
  const logger = createLogger({ level: 'warn' });
  try {
    if (flags.status) {
      const pending = await pendingMigrations(db);
      out.result({ database: redactDatabaseUrl(databaseUrl), pending }, () => (pending.length ? `pending:\n${pending.map((m) => `  ${m}`).join('\n')}` : 'schema is up to date'));
      return 0;
    }
    const applied = await migrateToLatest(db);
    out.result({ database: redactDatabaseUrl(databaseUrl), applied }, () => (applied.length ? `applied:\n${applied.map((m) => `  ${m}`).join('\n')}` : 'schema is up to date'));
    return 0;
  } finally {
    await db.close();
    logger.flush();
  }
}
