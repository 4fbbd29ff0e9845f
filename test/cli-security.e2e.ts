import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { EXIT } from '../common/exit-codes';
import { tempDir } from './helpers/agent-process';
import { exited, runCli, startCli, type CliResult } from './helpers/processes';
import { startServerOn, type TestServer } from './helpers/server';
import { createTestStore, STORE_KINDS, type TestStore } from './helpers/stores';

/**
 * The security commands of the `taskplane` binary: bootstrap without a
 * server, the first start's admin token, token create/list/revoke, audit
 * list, credential rotation, and what a call without a token looks like.
 */

const READY = /"event":"server\.started"[^\n]*"port":(\d+)/;

/** Only what the test passes decides the server, the token and the output. */
function cli(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  return runCli(args, { TASKPLANE_SERVER: '', TASKPLANE_TOKEN: '', TASKPLANE_TOKEN_FILE: '', TASKPLANE_OUTPUT: 'table', TASKPLANE_DATABASE_URL: '', ...env });
}

function ok(result: CliResult): string {
  assert.equal(result.code, 0, `exit ${result.code}\nstdout: ${result.stdout}\nstderr: ${result.stderr}`);
  return result.stdout;
}

function oneErrorLine(result: CliResult, code: number): string {
  assert.equal(result.code, code, `exit ${result.code}\nstdout: ${result.stdout}\nstderr: ${result.stderr}`);
  const lines = result.stderr.trimEnd().split('\n');
  assert.equal(lines.length, 1, result.stderr);
  return lines[0];
}

describe('taskplane CLI: starting from nothing', function () {
  this.timeout(60_000);
  const stores: TestStore[] = [];
  after(async () => {
    for (const s of stores) await s.drop();
  });

  it('token create --bootstrap writes a token to a fresh database without a server and prints {id, token}; the first start then prints none', async () => {
    const store = await createTestStore('sqlite');
    stores.push(store);
    const bootstrap = await cli(['token', 'create', '--bootstrap', '--name', 'ops', '--role', 'admin', '--database-url', store.url, '--output', 'json']);
    const printed = JSON.parse(ok(bootstrap));
    assert.deepEqual(Object.keys(printed).sort(), ['id', 'token']);
    assert.match(printed.id, /^tok_[0-9a-f]{16}$/);
    assert.match(printed.token, /^tpt_/);
    assert.match(bootstrap.stderr, /shown only this once/);

    const server = await startCli(['server', '--listen', '127.0.0.1:0', '--database-url', store.url], { TASKPLANE_LOG_LEVEL: 'info' }, READY);
    try {
      const env = { TASKPLANE_SERVER: `127.0.0.1:${server.match[1]}`, TASKPLANE_TOKEN: printed.token };
      assert.match(ok(await cli(['token', 'list'], env)), new RegExp(`^${printed.id}\\s+ops\\s+admin\\s+unscoped\\s`, 'm'));
      assert.doesNotMatch(server.output(), /First start/, 'a token existed, so the server issued none');
    } finally {
      server.child.kill('SIGTERM');
      await exited(server.child);
    }
  });

  it('the first start on the embedded store prints one admin token, once, on stdout and not in the log', async () => {
    const store = await createTestStore('sqlite');
    stores.push(store);
    const first = await startCli(['server', '--listen', '127.0.0.1:0', '--database-url', store.url], { TASKPLANE_LOG_LEVEL: 'debug' }, READY);
    let token: string;
    try {
      const shown = /export TASKPLANE_TOKEN=(tpt_\S+)/.exec(first.output());
      assert.ok(shown, first.output());
      token = shown[1];
      assert.match(first.output(), /token create --bootstrap --name NAME --role admin --database-url sqlite:/);
      const logLines = first.output().split('\n').filter((l) => l.startsWith('{'));
      assert.ok(logLines.some((l) => l.includes('"event":"token.first_admin_issued"')));
      assert.ok(!logLines.some((l) => l.includes(token)), 'the token is never in a log line');
      ok(await cli(['consumer', 'list'], { TASKPLANE_SERVER: `127.0.0.1:${first.match[1]}`, TASKPLANE_TOKEN: token }));
    } finally {
      first.child.kill('SIGTERM');
      await exited(first.child);
    }
    const second = await startCli(['server', '--listen', '127.0.0.1:0', '--database-url', store.url], { TASKPLANE_LOG_LEVEL: 'info' }, READY);
    second.child.kill('SIGTERM');
    await exited(second.child);
    assert.doesNotMatch(second.output(), /export TASKPLANE_TOKEN/);
  });

  it('a MySQL server issues no token at start: its operators bootstrap one', async () => {
    const store = await createTestStore('mysql');
    stores.push(store);
    const server = await startCli(['server', '--listen', '127.0.0.1:0', '--database-url', store.url, '--migrate'], { TASKPLANE_LOG_LEVEL: 'info' }, READY);
    server.child.kill('SIGTERM');
    await exited(server.child);
    assert.doesNotMatch(server.output(), /TASKPLANE_TOKEN/);
    const printed = JSON.parse(ok(await cli(['token', 'create', '--bootstrap', '--name', 'dba', '--role', 'admin', '--database-url', store.url, '--output', 'json'])));
    assert.match(printed.token, /^tpt_/);
  });
});

for (const kind of STORE_KINDS) {
  describe(`taskplane CLI: tokens, audit and credentials [${kind}]`, function () {
    this.timeout(60_000);
    let t: TestServer;
    const asAdmin = () => ({ TASKPLANE_SERVER: t.address, TASKPLANE_TOKEN: t.token });
    before(async () => {
      t = await startServerOn(await createTestStore(kind));
      ok(await cli(['consumer', 'register', 'web-1', '--label', 'role=web'], asAdmin()));
      ok(await cli(['consumer', 'register', 'db-1', '--label', 'role=db'], asAdmin()));
    });
    after(async () => {
      t.clients.close();
      await t.server.stop('test finished');
      await t.store.drop();
    });

    it('a call without a token exits 6 with one line saying how to give one', async () => {
      const line = oneErrorLine(await cli(['task', 'list'], { TASKPLANE_SERVER: t.address }), EXIT.DENIED);
      assert.match(line, /^error: UNAUTHENTICATED: missing "authorization: Bearer <API token>" metadata \(the CLI reads TASKPLANE_TOKEN or --token-file/);
    });

    it('token create prints the secret once; the scoped token works from --token-file within its scope; list shows it; revoke ends it (exit 6)', async () => {
      const created = JSON.parse(ok(await cli(['token', 'create', '--name', 'web-ops', '--role', 'operator', '--selector', 'role=web', '--methods', 'packages.*', '--expires', '30d', '--output', 'json'], asAdmin())));
      const { id } = created.token;
      assert.deepEqual(created.token.consumerSelector, ['role=web']);
      assert.deepEqual(created.token.methods, ['packages.*']);
      const file = path.join(tempDir('cli-token'), 'web-ops.token');
      fs.writeFileSync(file, `${created.secret}\n`, { mode: 0o600 });
      const asWebOps = { TASKPLANE_SERVER: t.address };

      const task = JSON.parse(ok(await cli(['task', 'create', '--consumer', 'web-1', '--method', 'packages.update', '--token-file', file, '--output', 'json'], asWebOps))).task;
      assert.equal(task.createdBy, `${id} (web-ops)`);
      assert.match(ok(await cli(['task', 'get', task.id], asAdmin())), new RegExp(`^created by:\\s+${id} \\(web-ops\\)$`, 'm'));
      const denied = oneErrorLine(await cli(['task', 'create', '--consumer', 'db-1', '--method', 'packages.update', '--token-file', file], asWebOps), EXIT.DENIED);
      assert.match(denied, /^error: PERMISSION_DENIED: tasks\.create: consumer db-1 is outside the scope/);

      const table = ok(await cli(['token', 'list'], asAdmin()));
      assert.match(table, /^ID\s+NAME\s+ROLE\s+SCOPE\s+CREATED\s+EXPIRES\s+REVOKED$/m);
      assert.match(table, new RegExp(`^${id}\\s+web-ops\\s+operator\\s+selector role=web; methods packages\\.\\*\\s+\\S+Z \\([^)]*\\)\\s+\\S+Z \\([^)]*\\)$`, 'm'));
      assert.ok(!table.includes(created.secret));

      ok(await cli(['token', 'revoke', id], asAdmin()));
      const revoked = oneErrorLine(await cli(['task', 'list', '--token-file', file], asWebOps), EXIT.DENIED);
      assert.match(revoked, new RegExp(`^error: UNAUTHENTICATED: API token ${id} was revoked$`));
    });

    it('audit list shows who did what, filtered', async () => {
      const out = ok(await cli(['audit', 'list', '--action', 'consumer.register'], asAdmin()));
      assert.match(out, /^TIME\s+WHO\s+ACTION\s+RESOURCE\s+OUTCOME\s+PEER$/m);
      assert.match(out, /^\S+Z \([^)]*\)\s+tok_\w+ \(test-admin\)\s+consumer\.register\s+consumer\/web-1\s+OK\s+127\.0\.0\.1:\d+$/m);
      const json = JSON.parse(ok(await cli(['audit', 'list', '--outcome', 'PERMISSION_DENIED', '--output', 'json'], asAdmin())));
      assert.ok(json.events.every((e: { outcome: string }) => e.outcome === 'PERMISSION_DENIED'));
    });

    it('consumer rotate-credential prints the new credential once; revoke-credential ends them', async () => {
      const rotated = ok(await cli(['consumer', 'rotate-credential', 'web-1', '--grace', '1h'], asAdmin()));
      assert.match(rotated, /^credential:\s+tpc_\S+$/m);
      assert.match(rotated, /^previous credential:\s+valid until \S+Z \([^)]*\)$/m);
      assert.match(rotated, /shown only this once/);
      assert.match(ok(await cli(['consumer', 'revoke-credential', 'web-1'], asAdmin())), /credentials of web-1 are revoked/);
      assert.match(ok(await cli(['consumer', 'get', 'web-1'], asAdmin())), /^credential:\s+revoked$/m);
      assert.match(oneErrorLine(await cli(['consumer', 'rotate-credential', 'web-1', '--grace', 'soon'], asAdmin()), EXIT.USAGE), /--grace "soon"/);
    });
  });
}
