import type { NewAuditEvent } from '../store/audit-store';

/**
 * Who is calling, as the domain sees it: resolved at the gRPC edge
 * (server/grpc/auth.ts) from an API token or an agent's credential or
 * certificate, and handed to the managers for the checks that need data
 * (a consumer's labels, a selector's matches) and for created_by and audit.
 * Nothing here knows gRPC.
 */

export const ROLES = ['viewer', 'operator', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/**
 * What a token may target beyond its role. null: no narrowing. A selector
 * limits the consumers (every label must match); method patterns limit the
 * methods ("packages.*", "system.info", "*").
 */
export interface Scope {
  selector: Record<string, string> | null;
  methods: string[] | null;
}

export const UNSCOPED: Scope = { selector: null, methods: null };

export interface Principal {
  /** token: an API token; consumer: an agent; bootstrap: the database opened directly (`token create --bootstrap`). */
  kind: 'token' | 'consumer' | 'bootstrap';
  /** "tok_..." for tokens, "consumer:<id>" for agents, "bootstrap". */
  id: string;
  name: string;
  role: Role;
  scope: Scope;
  /** When the token stops working (null: never); tokens it issues may not outlive it. */
  expireTime: number | null;
}

/** "tok_3f9a0c1e5b7d2a64 (ci)": how tasks' created_by and the audit name a principal. */
export function principalLabel(p: Pick<Principal, 'id' | 'name'>): string {
  return p.id === p.name ? p.id : `${p.id} (${p.name})`;
}

/** Where a call came from and what it is, for the audit log. */
export interface CallContext {
  /** e.g. "10.0.0.7:53122". */
  peer: string;
  /** e.g. "taskplane.v1.TaskService/CreateTask". */
  rpc: string;
  /** The audit action of the call, e.g. "task.create" (from the edge's permission table). */
  action: string;
  /** Subject of a verified TLS client certificate, "" if none. */
  certificateSubject: string;
}

/**
 * One authenticated call. A manager that changes something writes the
 * call's audit row in the change's transaction (auditEvent) and marks the
 * call recorded after the commit; the edge records whatever was not (a
 * refusal, a failure, or a call that changed nothing).
 */
export class Caller {
  recorded = false;

  constructor(
    readonly principal: Principal,
    readonly context: CallContext,
  ) {}

  /** The audit row of this call acting on `resource` ("task/<id>", "consumer/web-3"...). */
  auditEvent(resource: string, eventTime: number, details: Record<string, unknown> = {}, outcome = 'OK'): NewAuditEvent {
    return {
      eventTime,
      principalId: this.principal.id,
      principalName: this.principal.name,
      certificateSubject: this.context.certificateSubject,
      peer: this.context.peer,
      rpc: this.context.rpc,
      action: this.context.action,
      resource,
      outcome,
      detailsJson: JSON.stringify(details),
    };
  }

  get label(): string {
    return principalLabel(this.principal);
  }
}
