import type { Knex } from 'knex';

/**
 * SQL of server leases (the servers table): each live server's row,
 * renewed on a timer; a lapsed one is reaped by another server, which marks
 * the consumers whose streams it held offline.
 */

export interface ServerLeaseRow {
  id: string;
  internalAddress: string | null;
  leaseExpiresTime: number;
}

/** Takes a lease for `id` (a new row, or the row again after it was reaped). */
export async function insertServerLease(db: Knex, id: string, internalAddress: string | null, now: number, leaseMs: number): Promise<void> {
  await db('servers').insert({ id, internal_address: internalAddress, started_time: now, renewed_time: now, lease_expires_time: now + leaseMs });
}

/** Extends the lease; false when the row is gone (another server reaped it). */
export async function renewServerLease(db: Knex, id: string, now: number, leaseMs: number): Promise<boolean> {
  return (await db('servers').where({ id }).update({ renewed_time: now, lease_expires_time: now + leaseMs })) === 1;
}

/** Ids of servers whose lease expired before `now`. */
export async function lapsedServers(db: Knex, now: number): Promise<string[]> {
  return (await db('servers').select('id').where('lease_expires_time', '<', now)).map((r: { id: string }) => r.id);
}

/**
 * Reaps a lapsed server in one transaction: deletes its lease only if it is
 * still lapsed (so of several reapers exactly one wins, and a server that
 * renewed meanwhile keeps it), then marks offline every consumer whose
 * stream it held. Returns those consumers' ids, or null if another reaper
 * won or the lease was renewed.
 */
export async function reapServer(trx: Knex.Transaction, id: string, now: number): Promise<string[] | null> {
  const deleted = await trx('servers').where({ id }).andWhere('lease_expires_time', '<', now).delete();
  if (deleted !== 1) return null;
  const consumers = (await trx('consumers').select('id').where({ session_server_id: id })).map((r: { id: string }) => r.id);
  if (consumers.length) await trx('consumers').where({ session_server_id: id }).update({ session_id: null, session_server_id: null, last_seen_time: now });
  return consumers;
}

/**
 * Consumers marked as held by a server that has no lease (a stream that
 * attached while its server's lease was being reaped): offline. Returns
 * their ids.
 */
export async function releaseOrphanedSessions(trx: Knex.Transaction, now: number): Promise<string[]> {
  const orphaned = trx('consumers')
    .select('id')
    .whereNotNull('session_server_id')
    .whereNotExists(function leased() {
      this.select(trx.raw('1')).from('servers').whereRaw('servers.id = consumers.session_server_id');
    });
  const ids = (await orphaned).map((r: { id: string }) => r.id);
  if (ids.length) await trx('consumers').whereIn('id', ids).whereNotNull('session_server_id').whereNotIn('session_server_id', trx('servers').select('id')).update({ session_id: null, session_server_id: null, last_seen_time: now });
  return ids;
}

/** Gives up the lease at a graceful stop (its consumers were released first). */
export async function deleteServerLease(db: Knex, id: string): Promise<void> {
  await db('servers').where({ id }).delete();
}

export async function serverLeases(db: Knex): Promise<ServerLeaseRow[]> {
  return (await db('servers').select('id', 'internal_address', 'lease_expires_time').orderBy('id')).map((r: Record<string, any>) => ({
    id: r.id,
    internalAddress: r.internal_address ?? null,
    leaseExpiresTime: Number(r.lease_expires_time),
  }));
}

/**
 * For each of these consumers whose live stream is on a server other than
 * `exceptServerId`, that server's id and internal address.
 */
export async function streamServersOf(db: Knex, consumerIds: string[], exceptServerId: string): Promise<Map<string, { serverId: string; address: string }>> {
  const out = new Map<string, { serverId: string; address: string }>();
  for (let i = 0; i < consumerIds.length; i += 500) {
    const rows = await db('consumers')
      .join('servers', 'servers.id', 'consumers.session_server_id')
      .select('consumers.id as consumer_id', 'servers.id as server_id', 'servers.internal_address as address')
      .whereIn('consumers.id', consumerIds.slice(i, i + 500))
      .whereNot('servers.id', exceptServerId)
      .whereNotNull('servers.internal_address');
    for (const r of rows) out.set(r.consumer_id, { serverId: r.server_id, address: r.address });
  }
  return out;
}
