import { call } from '../client';
import { UsageError } from '../../common/exit-codes';
import type { Output } from '../../common/output';
import type { Token__Output } from '../../protos/generated/taskplane/v1/Token';
import type { TokenRole } from '../../protos/generated/taskplane/v1/TokenRole';
import type { ListTokensResponse__Output } from '../../protos/generated/taskplane/v1/ListTokensResponse';
import { durationMs, msToTimestamp } from '../../common/proto-time';
import {
  CLIENT_FLAGS_USAGE,
  details,
  formatTime,
  labelSelector,
  nextPageHint,
  outputFor,
  PAGING_OPTIONS,
  parseChoice,
  parseDuration,
  parsePageSize,
  parseTime,
  parseVerb,
  readPages,
  runVerb,
  unaryOptions,
  withClients,
} from './common';

export const ROLE_NAMES = ['viewer', 'operator', 'admin'] as const;

export const TOKEN_USAGE = `taskplane token <verb> [flags]: the API tokens callers present (admin tokens only)

  create --name NAME --role viewer|operator|admin [--selector KEY=VALUE ...]
         [--methods PATTERN ...] [--expires DURATION | --expire-time TIME]
      Issues a token and prints its secret ("tpt_..."), shown only this once;
      the server keeps only its hash. Give it to callers as TASKPLANE_TOKEN or
      in a file for --token-file.
      viewer reads; operator also creates, cancels and watches tasks and
      groups and manages schedules; admin also manages consumers and tokens
      and reads the audit log.
      --selector narrows the token to consumers carrying all these labels
      (also every consumer a fan-out or a schedule's fire reaches); --methods
      to methods matching these patterns ("packages.*", "system.info", "*";
      repeat or comma-separate). system.run is granted only by a pattern that
      names it exactly. A scoped token issues only tokens within its scope.
  create --bootstrap --name NAME --role ROLE [--database-url URL] [...]
      Writes a token to the database directly, without a server or a token:
      for the first admin token of an installation, or to replace a lost
      one. Run it where the server's --database-url (TASKPLANE_DATABASE_URL)
      is reachable; --output json prints {"id": ..., "token": ...}.
  list [--include-inactive] [--page-size N] [--page-token TOKEN] [--all]
      Tokens (never their secrets), newest first; --include-inactive also
      shows revoked and expired ones.
  revoke ID
      Ends the token at once: its next call is UNAUTHENTICATED.

DURATION is like 30d, 12h, 90m; TIME is RFC 3339 (2026-12-01T02:00:00Z) or a local date.

--output json prints the response message (create: {token, secret};
list: {tokens, nextPageToken}; revoke: {token}).

${CLIENT_FLAGS_USAGE}`;

export async function runToken(args: string[]): Promise<number> {
  return runVerb('token', args, { create, list, revoke });
}

async function create(args: string[]): Promise<number> {
  const { values } = parseVerb('token create', args, {
    name: { type: 'string' },
    role: { type: 'string' },
    selector: { type: 'string', multiple: true },
    methods: { type: 'string', multiple: true },
    expires: { type: 'string' },
    'expire-time': { type: 'string' },
  });
  const out = outputFor(values);
  if (!values.name) throw new UsageError('token create needs --name NAME');
  const role = parseChoice('--role', values.role, ROLE_NAMES);
  if (!role) throw new UsageError(`token create needs --role ${ROLE_NAMES.join('|')}`);
  const request = {
    name: values.name,
    role: `TOKEN_ROLE_${role.toUpperCase()}` as TokenRole,
    consumerSelector: labelSelector('--selector', values.selector),
    methods: methodPatterns(values.methods),
    expireTime: expireTime(values.expires, values['expire-time']),
  };
  const response = await withClients(values, (c) => call(c.tokens, 'createToken', request, unaryOptions()));
  out.result(response, () =>
    [
      details([...tokenDetails(response.token!), ['secret', response.secret]]),
      '',
      'The secret is shown only this once: store it now (e.g. in a file for --token-file, mode 600).',
    ].join('\n'),
  );
  if (out.machine) process.stderr.write('note: the secret in this output is shown only this once; store it now\n');
  return 0;
}

async function list(args: string[]): Promise<number> {
  const { values } = parseVerb('token list', args, { 'include-inactive': { type: 'boolean' }, ...PAGING_OPTIONS });
  const out = outputFor(values);
  const request = { includeInactive: values['include-inactive'] ?? false, pageSize: parsePageSize(values['page-size']) };
  const response = await withClients(values, (c) =>
    readPages<ListTokensResponse__Output>(
      values['page-token'] ?? '',
      values.all ?? false,
      (pageToken) => call(c.tokens, 'listTokens', { ...request, pageToken }, unaryOptions()),
      (pages) => ({ tokens: pages.flatMap((p) => p.tokens), nextPageToken: '' }),
    ),
  );
  out.result(response, () => tokenTable(out, response.tokens) + nextPageHint(response.nextPageToken));
  return 0;
}

async function revoke(args: string[]): Promise<number> {
  const { values, positionals } = parseVerb('token revoke', args, {}, ['ID']);
  const out = outputFor(values);
  const response = await withClients(values, (c) => call(c.tokens, 'revokeToken', { tokenId: positionals[0] }, unaryOptions()));
  out.result(response, () => `token ${positionals[0]} revoked at ${formatTime(response.token!.revokeTime)}; its next call is refused`);
  return 0;
}

/** --methods 'packages.*' --methods system.info, or 'packages.*,system.info'. */
export function methodPatterns(values: string[] | undefined): string[] {
  return (values ?? []).flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean);
}

/** --expires 30d (from now) or --expire-time TIME; neither: no expiry. */
export function expireTime(expires: string | undefined, at: string | undefined) {
  if (expires !== undefined && at !== undefined) throw new UsageError('give --expires or --expire-time, not both');
  if (at !== undefined) return parseTime('--expire-time', at);
  const duration = parseDuration('--expires', expires);
  return duration ? msToTimestamp(Date.now() + durationMs(duration)) : null;
}

function roleName(role: string): string {
  return role.replace(/^TOKEN_ROLE_/, '').toLowerCase();
}

function scopeText(t: Token__Output): string {
  const parts = [];
  if (t.consumerSelector.length) parts.push(`selector ${t.consumerSelector.join(',')}`);
  if (t.methods.length) parts.push(`methods ${t.methods.join(',')}`);
  return parts.join('; ') || 'unscoped';
}

function tokenDetails(t: Token__Output): [string, string][] {
  return [
    ['token', t.id],
    ['name', t.name],
    ['role', roleName(t.role)],
    ['scope', scopeText(t)],
    ['created', formatTime(t.createTime)],
    ['created by', t.createdBy],
    ['expires', t.expireTime ? formatTime(t.expireTime) : 'never'],
    ['revoked', formatTime(t.revokeTime)],
  ];
}

function tokenTable(out: Output, tokens: Token__Output[]): string {
  if (tokens.length === 0) return 'no tokens';
  const rows = tokens.map((t) => ({
    id: t.id,
    name: t.name,
    role: roleName(t.role),
    scope: scopeText(t),
    created: formatTime(t.createTime),
    expires: t.expireTime ? formatTime(t.expireTime) : 'never',
    revoked: formatTime(t.revokeTime),
  }));
  return out.table(rows, ['id', 'name', 'role', 'scope', 'created', 'expires', 'revoked']);
}
