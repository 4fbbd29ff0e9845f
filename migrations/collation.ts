import type { Knex } from 'knex';

/**
 * Text columns compare byte for byte on MySQL, as they do on SQLite: ids,
 * idempotency keys and labels are case-sensitive and a trailing space makes a
 * different value. MariaDB's utf8mb4_bin ignores trailing spaces (PAD SPACE),
 * so it needs utf8mb4_nopad_bin; MySQL 8 has utf8mb4_0900_bin (NO PAD).
 * Not a migration itself (its name does not start with a timestamp).
 */
export async function exactTextCollation(knex: Knex): Promise<string | null> {
  if (knex.client.config.client !== 'mysql2') return null;
  const [rows] = await knex.raw('SELECT VERSION() AS v');
  return /mariadb/i.test(String(rows[0].v)) ? 'utf8mb4_nopad_bin' : 'utf8mb4_0900_bin';
}

/** Applies the exact collation to a table being created (no-op on SQLite). */
export function withExactCollation(collation: string | null, t: Knex.CreateTableBuilder): void {
  if (collation) {
    t.charset('utf8mb4');
    t.collate(collation);
  }
}
