import { call } from '../client';
import type { Output } from '../../common/output';
import type { AuditEvent__Output } from '../../protos/generated/taskplane/v1/AuditEvent';
import type { ListAuditEventsResponse__Output } from '../../protos/generated/taskplane/v1/ListAuditEventsResponse';
import { CLIENT_FLAGS_USAGE, formatTime, nextPageHint, outputFor, PAGING_OPTIONS, parsePageSize, parseTime, parseVerb, readPages, runVerb, unaryOptions, withClients } from './common';

export const AUDIT_USAGE = `taskplane audit <verb> [flags]: who changed what, when, from where (admin tokens only)

  list [--principal ID] [--action ACTION] [--resource RESOURCE] [--outcome OUTCOME]
       [--since TIME] [--until TIME] [--page-size N] [--page-token TOKEN] [--all]
      Audit events, newest first: every call that changed something (in the
      same transaction as the change) and every refused or failed call of
      that kind, plus refused reads. --principal is a token id ("tok_..."),
      "consumer:<id>" or "bootstrap"; --action e.g. task.create,
      consumer.rotate_credential, token.revoke; --resource e.g. task/<id>,
      consumer/web-3; --outcome OK or a status such as PERMISSION_DENIED.

--output json prints {events, nextPageToken}.

${CLIENT_FLAGS_USAGE}`;

export async function runAudit(args: string[]): Promise<number> {
  return runVerb('audit', args, { list });
}

async function list(args: string[]): Promise<number> {
  const { values } = parseVerb('audit list', args, {
    principal: { type: 'string' },
    action: { type: 'string' },
    resource: { type: 'string' },
    outcome: { type: 'string' },
    since: { type: 'string' },
    until: { type: 'string' },
    ...PAGING_OPTIONS,
  });
  const out = outputFor(values);
  const request = {
    principalId: values.principal ?? '',
    action: values.action ?? '',
    resource: values.resource ?? '',
    outcome: values.outcome ?? '',
    eventTimeFrom: parseTime('--since', values.since),
    eventTimeTo: parseTime('--until', values.until),
    pageSize: parsePageSize(values['page-size']),
  };
  const response = await withClients(values, (c) =>
    readPages<ListAuditEventsResponse__Output>(
      values['page-token'] ?? '',
      values.all ?? false,
      (pageToken) => call(c.audit, 'listAuditEvents', { ...request, pageToken }, unaryOptions()),
      (pages) => ({ events: pages.flatMap((p) => p.events), nextPageToken: '' }),
    ),
  );
  out.result(response, () => auditTable(out, response.events) + nextPageHint(response.nextPageToken));
  return 0;
}

function auditTable(out: Output, events: AuditEvent__Output[]): string {
  if (events.length === 0) return 'no audit events';
  const rows = events.map((e) => ({
    time: formatTime(e.eventTime),
    who: e.principalName && e.principalName !== e.principalId ? `${e.principalId} (${e.principalName})` : e.principalId || '-',
    action: e.action,
    resource: e.resource,
    outcome: e.outcome,
    peer: e.peer,
  }));
  return out.table(rows, ['time', 'who', 'action', 'resource', 'outcome', 'peer']);
}
