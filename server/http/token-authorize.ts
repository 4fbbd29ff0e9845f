import type { IncomingMessage } from 'node:http';
import * as grpc from '@grpc/grpc-js';
import { PermissionDeniedError } from '../errors';
import type { Guard } from '../grpc/auth';
import { tokenRule } from '../grpc/permission-table';
import { roleAllows } from '../security/permissions';
import type { Authorize, Permission } from './authorize';

/**
 * Scraping /metrics needs what reading tasks needs: it shows how many there
 * are, in which states, of which methods.
 */
const METRICS_AS = 'taskplane.v1.TaskService/ListTasks';

function rpcOf(permission: Permission): string {
  return permission === 'metrics' ? METRICS_AS : permission.replace(/^\//, '');
}

/**
 * The HTTP edge's authorizer, on the gRPC edge's Guard: the bearer token of
 * the request is proved, the first permission is checked, rate-limited and
 * audited exactly as that RPC is over gRPC, and any further permission the
 * route needs (a page that also lists tasks) is checked against the same
 * caller's role.
 */
export function tokenAuthorize(guard: Guard): Authorize {
  return (request: IncomingMessage, permissions, body) => {
    const metadata = new grpc.Metadata();
    if (typeof request.headers.authorization === 'string') metadata.set('authorization', request.headers.authorization);
    const call = { metadata, getPeer: () => `${request.socket.remoteAddress ?? 'unknown'}:${request.socket.remotePort ?? 0}` };
    const [first, ...rest] = permissions.map(rpcOf);
    return guard.run(call, first, tokenRule(first), (caller) => {
      for (const rpc of rest) {
        const { permission } = tokenRule(rpc);
        if (!roleAllows(caller.principal.role, permission)) throw new PermissionDeniedError(permission, `token ${caller.principal.id} has role ${caller.principal.role}, which does not have it`);
      }
      return body(caller);
    });
  };
}
