import type { Knex } from 'knex';

/** Every SQL statement about the audit log, one named function each. */

export interface NewAuditEvent {
  eventTime: number;
  principalId: string;
  principalName: string;
  certificateSubject: string;
  peer: string;
  rpc: string;
  action: string;
  resource: string;
  outcome: string;
  detailsJson: string;
}

export interface AuditEventRecord extends NewAuditEvent {
  id: number;
}

export interface AuditFilter {
  principalId?: string;
  action?: string;
  resource?: string;
  outcome?: string;
  eventTimeFrom?: number;
  eventTimeTo?: number;
}

// Column widths (migrations/20261129100300_create_audit_events.ts): longer values are cut, never refused.
const cut = (text: string, max: number) => (text.length > max ? text.slice(0, max) : text);

/** Inside the caller's transaction when there is one: the row commits with the change it records. */
export async function insertAuditEvents(db: Knex, events: NewAuditEvent[]): Promise<void> {
  if (events.length === 0) return;
  const rows = events.map((e) => ({
    event_time: e.eventTime,
    principal_id: cut(e.principalId, 100),
    principal_name: cut(e.principalName, 100),
    certificate_subject: cut(e.certificateSubject, 255),
    peer: cut(e.peer, 100),
    rpc: cut(e.rpc, 100),
    action: cut(e.action, 64),
    resource: cut(e.resource, 200),
    outcome: cut(e.outcome, 32),
    details_json: e.detailsJson,
  }));
  for (let i = 0; i < rows.length; i += 500) await db('audit_events').insert(rows.slice(i, i + 500));
}

/** Newest first, strictly below the cursor. */
export async function listAuditEvents(db: Knex, filter: AuditFilter, beforeId: number | null, limit: number): Promise<AuditEventRecord[]> {
  const q = db('audit_events').orderBy('id', 'desc').limit(limit);
  if (beforeId !== null) q.where('id', '<', beforeId);
  if (filter.principalId) q.where('principal_id', filter.principalId);
  if (filter.action) q.where('action', filter.action);
  if (filter.resource) q.where('resource', filter.resource);
  if (filter.outcome) q.where('outcome', filter.outcome);
  if (filter.eventTimeFrom != null) q.where('event_time', '>=', filter.eventTimeFrom);
  if (filter.eventTimeTo != null) q.where('event_time', '<', filter.eventTimeTo);
  return (await q).map((row: Record<string, any>) => ({
    id: Number(row.id),
    eventTime: Number(row.event_time),
    principalId: row.principal_id,
    principalName: row.principal_name,
    certificateSubject: row.certificate_subject,
    peer: row.peer,
    rpc: row.rpc,
    action: row.action,
    resource: row.resource,
    outcome: row.outcome,
    detailsJson: row.details_json,
  }));
}
