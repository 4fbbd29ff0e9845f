import * as grpc from '@grpc/grpc-js';
import type { Clock } from '../clock';
import { PermissionDeniedError, ResourceExhaustedError, TaskplaneError, UnauthenticatedError } from '../errors';
import type { Logger } from '../../common/log';
import type { AuditLog } from '../security/audit-log';
import { ROLE_PERMISSIONS, roleAllows } from '../security/permissions';
import { Caller, ROLES, type CallContext } from '../security/principal';
import type { RateLimiter } from '../security/rate-limit';
import type { TokenManager } from '../security/token-manager';
import { RPC_RULES, tokenRule, type TokenRule } from './permission-table';
import { LiveStreams, serverStream, statusFor, toServiceError } from './status';

/**
 * Authentication and authorization at the edge, in one place: every
 * handler of a token-guarded service is wrapped here. The wrapper resolves
 * the bearer token to a Principal, checks its role against the RPC's
 * permission (permission-table.ts) and the create rate limit, hands the
 * Caller to the handler (the managers check scope and write audit rows in
 * their transactions), and records in the audit log whatever the handler
 * did not: a refused or failed call, or a mutating call that changed
 * nothing.
 */

const GUARDED = Symbol('taskplane.guarded');
/** Refusals recorded for every RPC, reads included; other failures only for RPCs that change something. */
const REFUSALS = new Set([grpc.status.UNAUTHENTICATED, grpc.status.PERMISSION_DENIED, grpc.status.RESOURCE_EXHAUSTED]);
const MAX_AUDIT_MESSAGE = 1000;

export interface GuardOptions {
  tokens: TokenManager;
  audit: AuditLog;
  limiter: RateLimiter;
  clock: Clock;
  logger: Logger;
}

type AuthContext = ReturnType<grpc.ServerUnaryCall<unknown, unknown>['getAuthContext']>;

interface GrpcCall {
  metadata: grpc.Metadata;
  getPeer(): string;
  getAuthContext?(): AuthContext;
}

export class Guard {
  constructor(private readonly options: GuardOptions) {}

  /** Runs `body` as the authenticated, authorized caller of `rpc`, auditing what it does not. */
  async run<T>(call: GrpcCall, rpc: string, rule: TokenRule, body: (caller: Caller) => Promise<T>): Promise<T> {
    const context: CallContext = { peer: call.getPeer(), rpc, action: rule.action, certificateSubject: certificateSubject(call) };
    let caller: Caller | null = null;
    try {
      caller = await this.authenticate(call, context);
      this.authorize(caller, rule);
      const result = await body(caller);
      if (rule.mutates && !caller.recorded) await this.options.audit.record(caller.auditEvent('', this.options.clock.now(), { changed: false }));
      return result;
    } catch (err) {
      await this.recordFailure(context, rule, caller, err);
      throw err;
    }
  }

  private async authenticate(call: GrpcCall, context: CallContext): Promise<Caller> {
    const secret = bearerToken(call.metadata);
    if (!secret) throw new UnauthenticatedError('missing "authorization: Bearer <API token>" metadata (the CLI reads TASKPLANE_TOKEN or --token-file; see taskplane token --help)');
    return new Caller(await this.options.tokens.authenticate(secret), context);
  }

  /** The role must have the RPC's permission; a create must be within the token's rate. Scope is the managers' to check. */
  private authorize(caller: Caller, rule: TokenRule): void {
    const { principal } = caller;
    if (!roleAllows(principal.role, rule.permission)) {
      const roles = ROLES.filter((r) => ROLE_PERMISSIONS[r].includes(rule.permission)).join(', ');
      throw new PermissionDeniedError(rule.permission, `token ${principal.id} has role ${principal.role}, which does not have it (roles with it: ${roles})`);
    }
    if (rule.create && !this.options.limiter.take(principal.id)) {
      const { perSecond, burst } = this.options.limiter;
      throw new ResourceExhaustedError(`token ${principal.id} is over its create rate limit (${perSecond} calls/s, bursts of ${burst}); slow down and retry`);
    }
  }

  private async recordFailure(context: CallContext, rule: TokenRule, caller: Caller | null, err: unknown): Promise<void> {
    if (caller?.recorded) return; // the change committed with its row; what failed after it is not a second call
    const code = err instanceof TaskplaneError ? statusFor(err) : grpc.status.INTERNAL;
    if (!REFUSALS.has(code) && !rule.mutates) return;
    const message = code === grpc.status.INTERNAL ? 'internal error' : String((err as Error).message).slice(0, MAX_AUDIT_MESSAGE);
    const principalId = caller?.principal.id ?? (err instanceof UnauthenticatedError ? err.principalId : '');
    const principalName = caller?.principal.name ?? (err instanceof UnauthenticatedError ? err.principalName : '');
    await this.options.audit.record({
      eventTime: this.options.clock.now(),
      principalId,
      principalName,
      certificateSubject: context.certificateSubject,
      peer: context.peer,
      rpc: context.rpc,
      action: context.action,
      resource: '',
      outcome: grpc.status[code],
      detailsJson: JSON.stringify({ error: message }),
    });
  }
}

/** Guarded handlers for one service: each looks up its RPC's rule once, when built. */
export class GuardedService {
  constructor(
    private readonly service: string,
    private readonly guard: Guard,
    private readonly logger: Logger,
    private readonly liveStreams: LiveStreams,
  ) {}

  /** `handler` also gets the call's metadata (e.g. the caller's traceparent). */
  unary<Req, Res>(method: string, handler: (request: Req, caller: Caller, metadata: grpc.Metadata) => Promise<Res>): grpc.handleUnaryCall<Req, Res> {
    const rpc = `${this.service}/${method}`;
    const rule = tokenRule(rpc);
    const wrapped: grpc.handleUnaryCall<Req, Res> = (call, callback) => {
      this.guard.run(call, rpc, rule, (caller) => handler(call.request, caller, call.metadata)).then(
        (response) => callback(null, response),
        (err) => callback(toServiceError(err, this.logger, method)),
      );
    };
    return markGuarded(wrapped, rpc);
  }

  serverStream<Req, Res>(method: string, handler: (request: Req, caller: Caller, signal: AbortSignal) => AsyncIterable<Res>): grpc.handleServerStreamingCall<Req, Res> {
    const rpc = `${this.service}/${method}`;
    const rule = tokenRule(rpc);
    const guard = this.guard;
    const wrapped = serverStream<Req, Res>(
      this.logger,
      method,
      async function* guarded(request, signal, call) {
        // Admitted before the first event; a stream changes nothing, so only a refusal is recorded.
        const caller = await guard.run(call, rpc, rule, async (c) => c);
        yield* handler(request, caller, signal);
      },
      this.liveStreams,
    );
    return markGuarded(wrapped, rpc);
  }
}

function markGuarded<F extends object>(handler: F, rpc: string): F {
  Object.defineProperty(handler, GUARDED, { value: rpc });
  return handler;
}

/**
 * Adds a service, refusing (at start) any method without a rule in
 * RPC_RULES, and any token-guarded method whose handler was not built by
 * GuardedService for that very RPC: no handler can skip authentication.
 */
export function addGuardedService(server: grpc.Server, definition: grpc.ServiceDefinition, handlers: grpc.UntypedServiceImplementation): void {
  for (const [name, method] of Object.entries(definition)) {
    const rpc = method.path.replace(/^\//, '');
    const rule = RPC_RULES[rpc];
    if (!rule) throw new Error(`${rpc} has no rule in RPC_RULES (server/grpc/permission-table.ts)`);
    const handler = handlers[name] as unknown as Record<symbol, unknown> | undefined;
    if (rule.kind === 'token' && handler?.[GUARDED] !== rpc) throw new Error(`the handler of ${rpc} does not check its token (build it with GuardedService)`);
  }
  server.addService(definition, handlers);
}

/** The secret of "authorization: Bearer <secret>", or null. */
function bearerToken(metadata: grpc.Metadata): string | null {
  const value = metadata.get('authorization')[0];
  const match = typeof value === 'string' ? /^Bearer\s+(\S+)\s*$/i.exec(value) : null;
  return match ? match[1] : null;
}

/** "CN=web-3,O=Example" of the caller's verified TLS client certificate, or "". */
export function certificateSubject(call: { getAuthContext?(): AuthContext }): string {
  const subject = call.getAuthContext?.().sslPeerCertificate?.subject as unknown as Record<string, string | string[]> | undefined;
  if (!subject) return '';
  return Object.entries(subject)
    .map(([k, v]) => `${k}=${Array.isArray(v) ? v.join('+') : v}`)
    .join(',');
}

/** The subject CN of the caller's verified TLS client certificate, or null. */
export function certificateCommonName(call: { getAuthContext?(): AuthContext }): string | null {
  const cn = (call.getAuthContext?.().sslPeerCertificate?.subject as unknown as Record<string, string | string[]> | undefined)?.CN;
  return typeof cn === 'string' ? cn : null;
}
