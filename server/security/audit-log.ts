import type { Knex } from 'knex';
import type { Logger } from '../../common/log';
import type { PageTokens } from '../paging';
import { insertAuditEvents, listAuditEvents, type AuditEventRecord, type AuditFilter, type NewAuditEvent } from '../store/audit-store';

export type { AuditEventRecord, AuditFilter, NewAuditEvent };

/**
 * The audit log. Changes write their row in their own transaction (see
 * Caller.auditEvent); this records, by itself, what has no transaction: a
 * refused or failed call, or one that changed nothing. A failure to record
 * is logged and does not change the call's answer.
 */
export class AuditLog {
  constructor(
    private readonly db: Knex,
    private readonly pageTokens: PageTokens,
    private readonly logger: Logger,
  ) {}

  async record(event: NewAuditEvent): Promise<void> {
    try {
      await insertAuditEvents(this.db, [event]);
    } catch (err) {
      this.logger.error({ event: 'audit.write_failed', err, action: event.action, outcome: event.outcome, principalId: event.principalId }, 'could not write an audit event');
    }
  }

  async list(filter: AuditFilter, pageSize: number, pageToken: string): Promise<{ events: AuditEventRecord[]; nextPageToken: string }> {
    const beforeId = this.pageTokens.decode<number>('page_token', pageToken, { audit: filter }, 'number');
    const rows = await listAuditEvents(this.db, filter, beforeId, pageSize + 1);
    const more = rows.length > pageSize;
    const page = more ? rows.slice(0, pageSize) : rows;
    return { events: page, nextPageToken: more ? this.pageTokens.encode(page[page.length - 1].id, { audit: filter }) : '' };
  }
}
