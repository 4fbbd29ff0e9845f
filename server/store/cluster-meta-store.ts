import type { Knex } from 'knex';

/** SQL of cluster_meta: settings every server of one installation shares. */

export async function readClusterSetting(db: Knex, name: string): Promise<string | null> {
  const row = await db('cluster_meta').select('value').where({ name }).first();
  return row ? row.value : null;
}

/** Inserts the setting; a unique violation means another server created it first (the caller reads theirs). */
export async function insertClusterSetting(db: Knex, name: string, value: string): Promise<void> {
  await db('cluster_meta').insert({ name, value });
}
