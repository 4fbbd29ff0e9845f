import crypto from 'node:crypto';
import type { Knex } from 'knex';
import { InvalidArgumentError } from './errors';
import { isUniqueViolation } from './store/database';
import { insertClusterSetting, readClusterSetting } from './store/cluster-meta-store';

const KEY_SETTING = 'page_token_key';

/**
 * Page tokens: an opaque, signed cursor. The signature (HMAC with a key kept
 * in the database, so every server shares it) makes a tampered token a clear
 * INVALID_ARGUMENT instead of a silently wrong page, and the fingerprint of
 * the filters makes a token reused with other filters one too.
 */
export class PageTokens {
  private constructor(private readonly key: Buffer) {}

  /** Loads the installation's key, creating it if this is the first server to need it. */
  static async load(db: Knex): Promise<PageTokens> {
    const existing = await readClusterSetting(db, KEY_SETTING);
    if (existing) return new PageTokens(Buffer.from(existing, 'base64'));
    try {
      await insertClusterSetting(db, KEY_SETTING, crypto.randomBytes(32).toString('base64'));
    } catch (err) {
      if (!isUniqueViolation(err)) throw err; // another server created it first: use theirs
    }
    return new PageTokens(Buffer.from((await readClusterSetting(db, KEY_SETTING))!, 'base64'));
  }

  encode(cursor: string | number, filters: unknown): string {
    const body = Buffer.from(JSON.stringify({ c: cursor, f: fingerprint(filters) })).toString('base64url');
    return `${body}.${this.sign(body)}`;
  }

  /** The cursor inside `token`, or null for an empty token (the first page). */
  decode<T extends string | number>(field: string, token: string, filters: unknown, cursorType: 'string' | 'number'): T | null {
    if (!token) return null;
    const [body, signature, extra] = token.split('.');
    if (!body || !signature || extra !== undefined || !safeEqual(signature, this.sign(body))) {
      throw new InvalidArgumentError(field, 'is not a page token issued by this service (malformed or tampered with)');
    }
    let payload: { c?: unknown; f?: unknown };
    try {
      payload = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
    } catch {
      throw new InvalidArgumentError(field, 'is malformed');
    }
    if (payload.f !== fingerprint(filters)) {
      throw new InvalidArgumentError(field, 'was issued for a request with different filters; repeat the same filters or start without a token');
    }
    if (typeof payload.c !== cursorType) throw new InvalidArgumentError(field, 'is malformed');
    return payload.c as T;
  }

  private sign(body: string): string {
    return crypto.createHmac('sha256', this.key).update(body).digest('base64url');
  }
}

function fingerprint(filters: unknown): string {
  return crypto.createHash('sha256').update(stableStringify(filters)).digest('base64url').slice(0, 16);
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && crypto.timingSafeEqual(x, y);
}

/** JSON with object keys sorted, so equal values always serialise equally. */
export function stableStringify(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableStringify).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableStringify(v)}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}
