import { InvalidArgumentError } from '../errors';
import type { AuditEventRecord, AuditLog } from '../security/audit-log';
import { ROLES, type Role } from '../security/principal';
import type { TokenRecord } from '../security/token-record';
import type { TokenManager } from '../security/token-manager';
import { optionalText, pageSize, parseLabelSelector } from '../validation';
import { msToTimestamp } from '../../common/proto-time';
import type { GuardedService } from './auth';
import { timeRange, timestampToMs } from './convert';
import type { TokenServiceHandlers } from '../../protos/generated/taskplane/v1/TokenService';
import type { AuditServiceHandlers } from '../../protos/generated/taskplane/v1/AuditService';
import type { Token } from '../../protos/generated/taskplane/v1/Token';
import type { AuditEvent } from '../../protos/generated/taskplane/v1/AuditEvent';
import type { CreateTokenRequest__Output } from '../../protos/generated/taskplane/v1/CreateTokenRequest';
import type { ListTokensRequest__Output } from '../../protos/generated/taskplane/v1/ListTokensRequest';
import type { RevokeTokenRequest__Output } from '../../protos/generated/taskplane/v1/RevokeTokenRequest';
import type { ListAuditEventsRequest__Output } from '../../protos/generated/taskplane/v1/ListAuditEventsRequest';

const ROLE_PREFIX = 'TOKEN_ROLE_';

/** TokenService: translates messages and statuses; the logic is TokenManager's. Every handler is guarded (auth.ts). */
export function tokenServiceHandlers(tokens: TokenManager, edge: GuardedService): TokenServiceHandlers {
  return {
    CreateToken: edge.unary('CreateToken', async (req: CreateTokenRequest__Output, caller) => {
      const created = await tokens.create(caller, {
        name: req.name,
        role: roleFromProto(req.role),
        selector: parseLabelSelector('consumer_selector', req.consumerSelector),
        methods: req.methods,
        expireTime: timestampToMs('expire_time', req.expireTime),
      });
      return { token: tokenToProto(created.token), secret: created.secret };
    }),
    ListTokens: edge.unary('ListTokens', async (req: ListTokensRequest__Output) => {
      const page = await tokens.list(req.includeInactive, pageSize('page_size', req.pageSize), req.pageToken);
      return { tokens: page.tokens.map(tokenToProto), nextPageToken: page.nextPageToken };
    }),
    RevokeToken: edge.unary('RevokeToken', async (req: RevokeTokenRequest__Output, caller) => ({ token: tokenToProto(await tokens.revoke(caller, req.tokenId)) })),
  };
}

/** AuditService: the audit log, read a page at a time, newest first. */
export function auditServiceHandlers(audit: AuditLog, edge: GuardedService): AuditServiceHandlers {
  return {
    ListAuditEvents: edge.unary('ListAuditEvents', async (req: ListAuditEventsRequest__Output) => {
      const range = timeRange('event_time', req.eventTimeFrom, req.eventTimeTo);
      const filter = {
        principalId: optionalText('principal_id', req.principalId, 100) || undefined,
        action: optionalText('action', req.action, 64) || undefined,
        resource: optionalText('resource', req.resource, 200) || undefined,
        outcome: optionalText('outcome', req.outcome, 32) || undefined,
        eventTimeFrom: range.from,
        eventTimeTo: range.to,
      };
      const page = await audit.list(filter, pageSize('page_size', req.pageSize), req.pageToken);
      return { events: page.events.map(auditEventToProto), nextPageToken: page.nextPageToken };
    }),
  };
}

function roleFromProto(value: unknown): Role {
  const name = String(value).startsWith(ROLE_PREFIX) ? String(value).slice(ROLE_PREFIX.length).toLowerCase() : String(value).toLowerCase();
  if (!ROLES.includes(name as Role)) throw new InvalidArgumentError('role', `is required: one of ${ROLES.map((r) => ROLE_PREFIX + r.toUpperCase()).join(', ')}`);
  return name as Role;
}

export function tokenToProto(t: TokenRecord): Token {
  return {
    id: t.id,
    name: t.name,
    role: `${ROLE_PREFIX}${t.role.toUpperCase()}` as Token['role'],
    consumerSelector: Object.entries(t.selector ?? {}).map(([k, v]) => `${k}=${v}`),
    methods: t.methods ?? [],
    createTime: msToTimestamp(t.createTime),
    expireTime: msToTimestamp(t.expireTime),
    revokeTime: msToTimestamp(t.revokeTime),
    createdBy: t.createdBy,
  };
}

function auditEventToProto(e: AuditEventRecord): AuditEvent {
  return {
    id: String(e.id),
    eventTime: msToTimestamp(e.eventTime),
    principalId: e.principalId,
    principalName: e.principalName,
    certificateSubject: e.certificateSubject,
    peer: e.peer,
    rpc: e.rpc,
    action: e.action,
    resource: e.resource,
    outcome: e.outcome,
    detailsJson: e.detailsJson,
  };
}
