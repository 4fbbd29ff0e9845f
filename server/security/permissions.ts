import type { Role } from './principal';

/**
 * What a role may do. Each RPC needs exactly one of these permissions (the
 * table in server/grpc/permission-table.ts); a token's scope then narrows
 * what it may target (server/security/scope.ts).
 */
export const PERMISSIONS = [
  'tasks.read',
  'tasks.create',
  'tasks.cancel',
  'tasks.watch',
  'schedules.read',
  'schedules.manage',
  'consumers.read',
  'consumers.manage',
  'tokens.manage',
  'audit.read',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

const VIEWER: readonly Permission[] = ['tasks.read', 'schedules.read', 'consumers.read'];
const OPERATOR: readonly Permission[] = [...VIEWER, 'tasks.create', 'tasks.cancel', 'tasks.watch', 'schedules.manage'];
const ADMIN: readonly Permission[] = [...OPERATOR, 'consumers.manage', 'tokens.manage', 'audit.read'];

/** viewer reads; operator creates, cancels and watches tasks and groups, and manages schedules; admin also manages consumers and tokens and reads the audit log. */
export const ROLE_PERMISSIONS: Record<Role, readonly Permission[]> = { viewer: VIEWER, operator: OPERATOR, admin: ADMIN };

export function roleAllows(role: Role, permission: Permission): boolean {
  return ROLE_PERMISSIONS[role].includes(permission);
}

/** The roles in increasing power: a token may only issue tokens of its own role or below. */
export function roleRank(role: Role): number {
  return role === 'viewer' ? 0 : role === 'operator' ? 1 : 2;
}
