import { InvalidArgumentError, PermissionDeniedError } from '../errors';
import type { Permission } from './permissions';
import type { Principal, Scope } from './principal';

/**
 * A token's scope, checked where the data is (the managers): which methods
 * and which consumers it may target. Reads are limited by role only.
 */

/** Methods no wildcard grants: a token reaches them only through a pattern that names them exactly. */
export const PRIVILEGED_METHODS: readonly string[] = ['system.run'];

const METHOD_PATTERN = /^(?:\*|[A-Za-z][A-Za-z0-9_]{0,62}\.(?:\*|[A-Za-z][A-Za-z0-9_]{0,62}))$/;
export const MAX_METHOD_PATTERNS = 32;

export function validateMethodPatterns(field: string, patterns: string[]): string[] {
  if (patterns.length > MAX_METHOD_PATTERNS) throw new InvalidArgumentError(field, `has ${patterns.length} patterns; at most ${MAX_METHOD_PATTERNS} are allowed`);
  patterns.forEach((p, i) => {
    if (!METHOD_PATTERN.test(p)) throw new InvalidArgumentError(`${field}[${i}]`, `"${p.slice(0, 64)}" is not a method pattern (class.method, class.* or *)`);
  });
  return [...new Set(patterns)];
}

function patternMatches(pattern: string, method: string): boolean {
  if (PRIVILEGED_METHODS.includes(method)) return pattern === method;
  return pattern === '*' || pattern === method || (pattern.endsWith('.*') && method.startsWith(pattern.slice(0, -1)));
}

/** Whether the scope lets the token target `method` ("class.method"). */
export function methodAllowed(scope: Scope, method: string): boolean {
  return (scope.methods ?? ['*']).some((p) => patternMatches(p, method));
}

/** Whether a consumer carrying `labels` lies within the scope's selector. */
export function labelsInScope(scope: Scope, labels: Record<string, string>): boolean {
  return Object.entries(scope.selector ?? {}).every(([k, v]) => labels[k] === v);
}

export function formatSelector(selector: Record<string, string>): string {
  return Object.entries(selector)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
}

/** "selector role=web; methods packages.*" (or "unscoped"). */
export function describeScope(scope: Scope): string {
  const parts: string[] = [];
  if (scope.selector) parts.push(`selector ${formatSelector(scope.selector)}`);
  if (scope.methods) parts.push(`methods ${scope.methods.join(',')}`);
  return parts.length ? parts.join('; ') : 'unscoped';
}

export function assertMethodAllowed(principal: Principal, permission: Permission, method: string): void {
  if (methodAllowed(principal.scope, method)) return;
  const why = PRIVILEGED_METHODS.includes(method) && !principal.scope.methods?.includes(method) ? ` (${method} is granted only by a method pattern that names it)` : '';
  throw new PermissionDeniedError(permission, `method ${method} is outside the scope of token ${principal.id} (${describeScope(principal.scope)})${why}`);
}

/** Refuses if any of `consumers` lies outside the principal's selector, naming up to five of them. */
export function assertConsumersInScope(principal: Principal, permission: Permission, consumers: Array<{ id: string; labels: Record<string, string> }>): void {
  if (!principal.scope.selector) return;
  const outside = consumers.filter((c) => !labelsInScope(principal.scope, c.labels)).map((c) => c.id);
  if (outside.length === 0) return;
  const named = outside.slice(0, 5).join(', ') + (outside.length > 5 ? `, and ${outside.length - 5} more` : '');
  const subject = outside.length > 1 ? `consumers ${named} are` : `consumer ${named} is`;
  throw new PermissionDeniedError(permission, `${subject} outside the scope of token ${principal.id} (${describeScope(principal.scope)})`);
}

/**
 * Why `child` is not within `parent` (null when it is): a token can only
 * issue (or revoke) tokens it could have acted as itself.
 */
export function scopeNotWithin(child: Scope, parent: Scope): string | null {
  for (const [k, v] of Object.entries(parent.selector ?? {})) {
    if (child.selector?.[k] !== v) return `its selector must include ${k}=${v}`;
  }
  if (parent.methods) {
    if (!child.methods) return `its methods must be within ${parent.methods.join(',')}`;
    for (const p of child.methods) {
      if (!parent.methods.some((q) => covers(q, p))) return `method pattern ${p} is not within ${parent.methods.join(',')}`;
    }
  }
  return null;
}

/** Whether every method `pattern` grants is granted by `by`. */
function covers(by: string, pattern: string): boolean {
  if (by === pattern) return true;
  if (PRIVILEGED_METHODS.includes(pattern)) return false;
  if (by === '*') return true;
  if (by.endsWith('.*')) return pattern !== '*' && pattern.startsWith(by.slice(0, -1));
  return false;
}
