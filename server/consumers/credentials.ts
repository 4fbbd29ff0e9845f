import crypto from 'node:crypto';

/**
 * Agent credentials: 256 random bits ("tpc_..."), of which only the SHA-256
 * is stored (a slow KDF would only slow every agent connect: there is
 * nothing to brute-force). A rotation keeps the previous one valid for a
 * grace period so a fleet can roll; a revocation ends them all.
 */

export const CREDENTIAL_PREFIX = 'tpc_';
/** How long the previous credential keeps working after a rotation, unless the caller says otherwise. */
export const DEFAULT_ROTATION_GRACE_MS = 24 * 3600 * 1000;
export const MAX_ROTATION_GRACE_MS = 30 * 24 * 3600 * 1000;

/** A consumer's stored credential hashes. current null: revoked. */
export interface StoredCredentials {
  current: string | null;
  previous: string | null;
  previousExpireTime: number | null;
}

/** How an agent's stream proved its consumer: which credential, or a client certificate naming it. */
export type AgentProof = { kind: 'credential'; hash: string } | { kind: 'certificate'; subject: string };

export function newCredential(): string {
  return `${CREDENTIAL_PREFIX}${crypto.randomBytes(32).toString('base64url')}`;
}

export function hashCredential(credential: string): string {
  return crypto.createHash('sha256').update(credential).digest('hex');
}

/** The hashes that work at `now`: the current one and, within its grace period, the previous one. */
export function validHashes(stored: StoredCredentials, now: number): string[] {
  const valid: string[] = [];
  if (stored.current) valid.push(stored.current);
  if (stored.previous && stored.previousExpireTime !== null && stored.previousExpireTime > now) valid.push(stored.previous);
  return valid;
}

/** The hash of `credential` if it is one of the consumer's valid credentials at `now`, compared in constant time. */
export function matchCredential(stored: StoredCredentials, credential: string, now: number): string | null {
  if (!credential) return null;
  const given = Buffer.from(hashCredential(credential), 'hex');
  let found: string | null = null;
  for (const hash of validHashes(stored, now)) {
    const expected = Buffer.from(hash, 'hex');
    if (given.length === expected.length && crypto.timingSafeEqual(given, expected)) found = hash;
  }
  return found;
}

/**
 * Whether a stream's proof still holds: its credential is still valid, or
 * (certificate) the consumer still has a credential at all, so a full
 * revocation ends certificate-proven streams too.
 */
export function proofHolds(proof: AgentProof, stored: StoredCredentials, now: number): boolean {
  const valid = validHashes(stored, now);
  return proof.kind === 'credential' ? valid.includes(proof.hash) : valid.length > 0;
}
