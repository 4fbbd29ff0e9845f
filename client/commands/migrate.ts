import { redactDatabaseUrl, serverConfig } from '../../server/config';
import { createLogger } from '../../shared/log';
import { openDatabase } from '../../server/store/database';
import { migrateToLatest, pendingMigrations } from '../../server/store/migrate';
import type { Output } from '../../shared/output';

export const MIGRATE_USAGE = `taskplane migrate [--database-url URL] [--status]

  Applies pending migrations (safe while other servers start or migrate).
  --status  only list what is pending`;

export async function runMigrate(flags: { 'database-url'?: string; status?: boolean }, out: Output): Promise<number> {
  const { databaseUrl } = serverConfig({ 'database-url': flags['database-url'] });
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
