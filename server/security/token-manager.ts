import crypto from 'node:crypto';
import type { Knex } from 'knex';
import type { Clock } from '../clock';
import { InvalidArgumentError, NotFoundError, PermissionDeniedError, UnauthenticatedError } from '../errors';
import type { Logger } from '../../common/log';
import type { PageTokens } from '../paging';
import { insertAuditEvents } from '../store/audit-store';
import { insertClusterSetting } from '../store/cluster-meta-store';
import { isUniqueViolation } from '../store/database';
import { anyTokenExists, findToken, findTokenByHash, insertToken, listTokens, revokeTokenRow } from '../store/token-store';
import { validateLabels } from '../validation';
import { roleRank } from './permissions';
import { Caller, ROLES, UNSCOPED, type Principal, type Role } from './principal';
import { describeScope, scopeNotWithin, validateMethodPatterns } from './scope';
import type { TokenRecord } from './token-record';

/** Every API token starts with this, so a leaked one is easy to recognise (and to scan for). */
export const TOKEN_PREFIX = 'tpt_';
const TOKEN_NAME = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,62}$/;
const MAX_SECRET_LENGTH = 200;
/**
 * How long a token verified against the store is trusted without reading
 * it again. A lookup per call was the costliest statement of the create
 * path; a second bounds how long another server may still accept a token
 * revoked elsewhere (the server that revokes forgets it at once).
 */
export const TOKEN_CACHE_MS = 1000;
const MAX_CACHED_TOKENS = 10_000;

export interface CreateTokenInput {
  name: string;
  role: Role;
  selector: Record<string, string> | null;
  methods: string[] | null;
  expireTime: number | null;
}

/**
 * API tokens: issued (the secret shown once, only its SHA-256 kept, as for
 * agent credentials: 256 random bits need no slow hash), looked up on every
 * call, listed, revoked. A token can only issue or revoke tokens within its
 * own role, scope and expiry. No gRPC here.
 */
export class TokenManager {
  /** Verified tokens by hash, with the (real) time until which they are trusted without a read. */
  private readonly verified = new Map<string, { principal: Principal; until: number }>();
  /** Bumped by every revocation here, so a lookup that raced one does not cache what it read before it. */
  private revocations = 0;

  constructor(
    private readonly db: Knex,
    private readonly clock: Clock,
    private readonly pageTokens: PageTokens,
    private readonly logger: Logger,
  ) {}

  /** The principal a bearer secret stands for; UnauthenticatedError (never echoing the secret) otherwise. */
  async authenticate(secret: string): Promise<Principal> {
    if (!secret.startsWith(TOKEN_PREFIX) || secret.length > MAX_SECRET_LENGTH) {
      throw new UnauthenticatedError(`the bearer token is not a taskplane API token (those start with "${TOKEN_PREFIX}"; create one with taskplane token create)`);
    }
    const hash = hashSecret(secret);
    const cached = this.verified.get(hash);
    const principal = cached && cached.until > performance.now() ? cached.principal : await this.lookUp(hash);
    if (principal.expireTime !== null && principal.expireTime <= this.clock.now()) {
      throw new UnauthenticatedError(`API token ${principal.id} expired at ${new Date(principal.expireTime).toISOString()}`, principal.id, principal.name);
    }
    return principal;
  }

  private async lookUp(hash: string): Promise<Principal> {
    const revocations = this.revocations;
    const token = await findTokenByHash(this.db, hash);
    this.verified.delete(hash);
    if (!token) throw new UnauthenticatedError('unknown API token');
    if (token.revokeTime !== null) throw new UnauthenticatedError(`API token ${token.id} was revoked`, token.id, token.name);
    const principal = principalOf(token);
    if (revocations !== this.revocations) return principal;
    if (this.verified.size >= MAX_CACHED_TOKENS) this.verified.delete(this.verified.keys().next().value!);
    this.verified.set(hash, { principal, until: performance.now() + TOKEN_CACHE_MS });
    return principal;
  }

  /** This server stops trusting the token at once; others within TOKEN_CACHE_MS. */
  private forget(tokenId: string): void {
    this.revocations++;
    for (const [hash, entry] of this.verified) if (entry.principal.id === tokenId) this.verified.delete(hash);
  }

  async create(caller: Caller, input: CreateTokenInput): Promise<{ token: TokenRecord; secret: string }> {
    const now = this.clock.now();
    const token = validTokenInput(input, now, caller.label);
    const issuer = caller.principal;
    if (roleRank(token.role) > roleRank(issuer.role)) throw new PermissionDeniedError('tokens.manage', `token ${issuer.id} (${issuer.role}) cannot issue an ${token.role} token`);
    const beyond = scopeNotWithin({ selector: token.selector, methods: token.methods }, issuer.scope);
    if (beyond) throw new PermissionDeniedError('tokens.manage', `token ${issuer.id} (${describeScope(issuer.scope)}) can only issue tokens within its scope: ${beyond}`);
    if (issuer.expireTime !== null) {
      if (token.expireTime !== null && token.expireTime > issuer.expireTime) {
        throw new PermissionDeniedError('tokens.manage', `token ${issuer.id} expires at ${new Date(issuer.expireTime).toISOString()}; it cannot issue a token that outlives it`);
      }
      token.expireTime ??= issuer.expireTime;
    }
    const secret = newSecret();
    await this.db.transaction(async (trx) => {
      await insertToken(trx, token, hashSecret(secret));
      await insertAuditEvents(trx, [caller.auditEvent(`token/${token.id}`, now, tokenDetails(token))]);
    });
    caller.recorded = true;
    this.logger.info({ event: 'token.created', tokenId: token.id, name: token.name, role: token.role, by: caller.principal.id }, 'API token created');
    return { token, secret };
  }

  async list(includeInactive: boolean, pageSize: number, pageToken: string): Promise<{ tokens: TokenRecord[]; nextPageToken: string }> {
    const filter = { list: 'tokens', includeInactive };
    const cursor = this.pageTokens.decode<string>('page_token', pageToken, filter, 'string');
    const after = cursor ? parseCursor(cursor) : null;
    const rows = await listTokens(this.db, includeInactive, this.clock.now(), after, pageSize + 1);
    const more = rows.length > pageSize;
    const page = more ? rows.slice(0, pageSize) : rows;
    const last = page[page.length - 1];
    return { tokens: page, nextPageToken: more ? this.pageTokens.encode(`${last.createTime}:${last.id}`, filter) : '' };
  }

  /** Revokes at once: the token's next call is UNAUTHENTICATED. Revoking a revoked token changes nothing. */
  async revoke(caller: Caller, tokenId: string): Promise<TokenRecord> {
    if (!tokenId) throw new InvalidArgumentError('token_id', 'is required');
    if (tokenId.length > 32) throw new InvalidArgumentError('token_id', 'is longer than 32 characters');
    const token = await findToken(this.db, tokenId);
    if (!token) throw new NotFoundError('token', tokenId, 'token_id');
    const issuer = caller.principal;
    const beyond = scopeNotWithin({ selector: token.selector, methods: token.methods }, issuer.scope);
    if (token.id !== issuer.id && (beyond || roleRank(token.role) > roleRank(issuer.role))) {
      throw new PermissionDeniedError('tokens.manage', `token ${issuer.id} (${issuer.role}; ${describeScope(issuer.scope)}) can only revoke tokens within its own role and scope`);
    }
    if (token.revokeTime !== null) return token;
    const now = this.clock.now();
    const revoked = await this.db.transaction(async (trx) => {
      if (!(await revokeTokenRow(trx, tokenId, now))) return false;
      await insertAuditEvents(trx, [caller.auditEvent(`token/${tokenId}`, now, { name: token.name })]);
      return true;
    });
    this.forget(tokenId);
    if (revoked) {
      caller.recorded = true;
      this.logger.info({ event: 'token.revoked', tokenId, by: caller.principal.id }, 'API token revoked');
    }
    return (await findToken(this.db, tokenId))!;
  }
}

/**
 * `taskplane token create --bootstrap`: a token written to the database
 * directly, by whoever can open it (as `vault operator init` does), with
 * its audit row. Works whatever tokens exist, so scripts can start from
 * nothing and a lost admin token can be replaced.
 */
export async function issueBootstrapToken(db: Knex, now: number, input: CreateTokenInput, context = 'taskplane token create --bootstrap'): Promise<{ token: TokenRecord; secret: string }> {
  const token = validTokenInput(input, now, BOOTSTRAP.id);
  const secret = newSecret();
  const caller = bootstrapCaller(context);
  await db.transaction(async (trx) => {
    await insertToken(trx, token, hashSecret(secret));
    await insertAuditEvents(trx, [caller.auditEvent(`token/${token.id}`, now, tokenDetails(token))]);
  });
  return { token, secret };
}

/**
 * The first start on an empty store: one admin token, or null when any
 * token exists or another server issued it first (a unique setting in
 * cluster_meta decides, in the same transaction).
 */
export async function issueFirstAdminToken(db: Knex, now: number): Promise<{ token: TokenRecord; secret: string } | null> {
  if (await anyTokenExists(db)) return null;
  const token = validTokenInput({ name: 'first-admin', role: 'admin', selector: null, methods: null, expireTime: null }, now, BOOTSTRAP.id);
  const secret = newSecret();
  const caller = bootstrapCaller('taskplane server (first start)');
  try {
    await db.transaction(async (trx) => {
      await insertClusterSetting(trx, 'first_admin_token_issued', String(now));
      await insertToken(trx, token, hashSecret(secret));
      await insertAuditEvents(trx, [caller.auditEvent(`token/${token.id}`, now, tokenDetails(token))]);
    });
  } catch (err) {
    if (isUniqueViolation(err)) return null;
    throw err;
  }
  return { token, secret };
}

const BOOTSTRAP: Principal = { kind: 'bootstrap', id: 'bootstrap', name: 'bootstrap', role: 'admin', scope: UNSCOPED, expireTime: null };

function bootstrapCaller(rpc: string): Caller {
  return new Caller(BOOTSTRAP, { peer: 'local', rpc, action: 'token.create', certificateSubject: '' });
}

function validTokenInput(input: CreateTokenInput, now: number, createdBy: string): TokenRecord {
  if (!input.name) throw new InvalidArgumentError('name', 'is required');
  if (!TOKEN_NAME.test(input.name)) throw new InvalidArgumentError('name', `"${input.name.slice(0, 64)}" is not a token name (1-63 of letters, digits, '.', '_', '-', '@', starting with a letter or digit)`);
  if (!ROLES.includes(input.role)) throw new InvalidArgumentError('role', `must be one of ${ROLES.join(', ')}`);
  const selector = input.selector && Object.keys(input.selector).length ? validateLabels('consumer_selector', input.selector) : null;
  const methods = input.methods && input.methods.length ? validateMethodPatterns('methods', input.methods) : null;
  if (input.expireTime !== null && input.expireTime <= now) throw new InvalidArgumentError('expire_time', 'is in the past');
  return { id: `tok_${crypto.randomBytes(8).toString('hex')}`, name: input.name, role: input.role, selector, methods, createTime: now, expireTime: input.expireTime, revokeTime: null, createdBy };
}

function principalOf(token: TokenRecord): Principal {
  return { kind: 'token', id: token.id, name: token.name, role: token.role, scope: { selector: token.selector, methods: token.methods }, expireTime: token.expireTime };
}

function tokenDetails(token: TokenRecord): Record<string, unknown> {
  return { name: token.name, role: token.role, selector: token.selector, methods: token.methods, expire_time: token.expireTime === null ? null : new Date(token.expireTime).toISOString() };
}

function newSecret(): string {
  return `${TOKEN_PREFIX}${crypto.randomBytes(32).toString('base64url')}`;
}

function hashSecret(secret: string): string {
  return crypto.createHash('sha256').update(secret).digest('hex');
}

function parseCursor(cursor: string): { createTime: number; id: string } {
  const [time, id] = cursor.split(':');
  if (!id || !Number.isSafeInteger(Number(time))) throw new InvalidArgumentError('page_token', 'is malformed');
  return { createTime: Number(time), id };
}
