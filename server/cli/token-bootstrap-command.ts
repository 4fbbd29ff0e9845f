import { parseArgs } from 'node:util';
import { redactDatabaseUrl, serverConfig } from '../config';
import { openDatabase } from '../store/database';
import { assertSchemaCurrent, migrateToLatest } from '../store/migrate';
import { issueBootstrapToken } from '../security/token-manager';
import { ROLES, type Role } from '../security/principal';
import { systemClock } from '../clock';
import type { Command } from '../../common/command';
import { UsageError } from '../../common/exit-codes';
import { durationTextMs } from '../../common/duration-text';
import { Output, outputFormat } from '../../common/output';

const BOOTSTRAP_USAGE = `taskplane token create --bootstrap --name NAME --role viewer|operator|admin
    [--selector KEY=VALUE ...] [--methods PATTERN ...] [--expires DURATION]
    [--database-url URL] [--output table|json]

  Writes an API token to the database directly, without a server and without
  a token: the first admin token of an installation, or a replacement for a
  lost one. Whoever can open the database can do this, as whoever holds a
  root login can. --database-url (TASKPLANE_DATABASE_URL) is the server's,
  default sqlite:./data/taskplane.sqlite. The secret is printed only this
  once; --output json prints {"id": ..., "token": ...}.`;

/** `taskplane token create --bootstrap`: bin/taskplane.ts sends it here, since it opens the store. */
export const tokenBootstrapCommand: Command = {
  usage: BOOTSTRAP_USAGE,
  async run(args) {
    const { values } = parseArgs({
      args,
      options: {
        bootstrap: { type: 'boolean' },
        name: { type: 'string' },
        role: { type: 'string' },
        selector: { type: 'string', multiple: true },
        methods: { type: 'string', multiple: true },
        expires: { type: 'string' },
        'database-url': { type: 'string' },
        output: { type: 'string' },
      },
    });
    const out = new Output(outputFormat(values.output));
    if (!values.name) throw new UsageError('token create --bootstrap needs --name NAME');
    const role = (values.role ?? '').toLowerCase() as Role;
    if (!ROLES.includes(role)) throw new UsageError(`token create --bootstrap needs --role ${ROLES.join('|')}`);
    const selector: Record<string, string> = {};
    for (const term of values.selector ?? []) {
      const eq = term.indexOf('=');
      if (eq <= 0) throw new UsageError(`--selector "${term}" is not of the form key=value`);
      selector[term.slice(0, eq)] = term.slice(eq + 1);
    }
    const methods = (values.methods ?? []).flatMap((m) => m.split(',')).map((m) => m.trim()).filter(Boolean);
    let expireTime: number | null = null;
    if (values.expires !== undefined) {
      const ms = durationTextMs(values.expires);
      if (ms === null) throw new UsageError(`--expires "${values.expires}" is not a duration like 30d, 12h or 90m`);
      expireTime = systemClock.now() + ms;
    }

    const { databaseUrl } = serverConfig({ 'database-url': values['database-url'] });
    const db = openDatabase(databaseUrl);
    try {
      // As the server does: SQLite migrates itself, MySQL must already be migrated.
      if (db.dialect === 'sqlite') await migrateToLatest(db);
      else await assertSchemaCurrent(db, `taskplane migrate --database-url '${redactDatabaseUrl(databaseUrl)}'`);
      const { token, secret } = await issueBootstrapToken(db.knex, systemClock.now(), { name: values.name, role, selector, methods, expireTime });
      out.result({ id: token.id, token: secret }, () =>
        [`token:   ${token.id} (${token.name}, ${token.role})`, `secret:  ${secret}`, '', 'The secret is shown only this once: store it now, e.g. export TASKPLANE_TOKEN=... or a file for --token-file.'].join('\n'),
      );
      if (out.machine) process.stderr.write('note: the token in this output is shown only this once; store it now\n');
      return 0;
    } finally {
      await db.close();
    }
  },
};
