import type { Knex } from 'knex';
import type { TokenRecord } from '../security/token-record';

/** Every SQL statement about API tokens, one named function each. */

type Row = Record<string, any>;

function rowToToken(row: Row): TokenRecord {
  return {
    id: row.id,
    name: row.name,
    role: row.role,
    selector: row.selector_json ? JSON.parse(row.selector_json) : null,
    methods: row.methods_json ? JSON.parse(row.methods_json) : null,
    createTime: Number(row.create_time),
    expireTime: row.expire_time == null ? null : Number(row.expire_time),
    revokeTime: row.revoke_time == null ? null : Number(row.revoke_time),
    createdBy: row.created_by,
  };
}

export async function insertToken(db: Knex, token: TokenRecord, tokenHash: string): Promise<void> {
  await db('api_tokens').insert({
    id: token.id,
    name: token.name,
    token_hash: tokenHash,
    role: token.role,
    selector_json: token.selector ? JSON.stringify(token.selector) : null,
    methods_json: token.methods ? JSON.stringify(token.methods) : null,
    create_time: token.createTime,
    expire_time: token.expireTime,
    revoke_time: null,
    created_by: token.createdBy,
  });
}

/** The token whose secret hashes to `tokenHash` (revoked and expired ones too: the caller says why it refuses). */
export async function findTokenByHash(db: Knex, tokenHash: string): Promise<TokenRecord | null> {
  const row = await db('api_tokens').where({ token_hash: tokenHash }).first();
  return row ? rowToToken(row) : null;
}

export async function findToken(db: Knex, id: string): Promise<TokenRecord | null> {
  const row = await db('api_tokens').where({ id }).first();
  return row ? rowToToken(row) : null;
}

/** Newest first, strictly after the cursor; without `includeInactive`, only tokens neither revoked nor expired at `now`. */
export async function listTokens(db: Knex, includeInactive: boolean, now: number, after: { createTime: number; id: string } | null, limit: number): Promise<TokenRecord[]> {
  const q = db('api_tokens').orderBy([{ column: 'create_time', order: 'desc' }, { column: 'id', order: 'desc' }]).limit(limit);
  if (!includeInactive) q.whereNull('revoke_time').andWhere((w) => w.whereNull('expire_time').orWhere('expire_time', '>', now));
  if (after) q.andWhere((w) => w.where('create_time', '<', after.createTime).orWhere((x) => x.where('create_time', after.createTime).andWhere('id', '<', after.id)));
  return (await q).map(rowToToken);
}

/** Marks the token revoked; false if it was already revoked or does not exist. */
export async function revokeTokenRow(db: Knex, id: string, now: number): Promise<boolean> {
  return (await db('api_tokens').where({ id }).whereNull('revoke_time').update({ revoke_time: now })) === 1;
}

export async function anyTokenExists(db: Knex): Promise<boolean> {
  return (await db('api_tokens').select('id').first()) !== undefined;
}
