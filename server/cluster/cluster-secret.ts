import crypto from 'node:crypto';
import type { Knex } from 'knex';
import { isUniqueViolation } from '../store/database';
import { insertClusterSetting, readClusterSetting } from '../store/cluster-meta-store';

const SECRET_SETTING = 'cluster_secret';

/**
 * The secret servers of one installation present to each other's
 * ClusterService, kept in cluster_meta: whoever can read the database is
 * already trusted with everything, and nobody else learns it.
 */
export async function loadClusterSecret(db: Knex): Promise<string> {
  const existing = await readClusterSetting(db, SECRET_SETTING);
  if (existing) return existing;
  try {
    await insertClusterSetting(db, SECRET_SETTING, crypto.randomBytes(32).toString('base64url'));
  } catch (err) {
    if (!isUniqueViolation(err)) throw err; // another server created it first: use theirs
  }
  return (await readClusterSetting(db, SECRET_SETTING))!;
}
