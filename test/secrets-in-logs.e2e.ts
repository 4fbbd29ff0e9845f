import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import * as grpc from '@grpc/grpc-js';
import { call } from '../client/client';
import { createLogger } from '../common/log';
import { startAgentProcess, waitForState } from './helpers/agent-process';
import { FakeAgent } from './helpers/fake-agent';
import { runCli, type CliResult } from './helpers/processes';
import { clientsWith, eventually, expectStatus, startServerOn, type TestServer } from './helpers/server';
import { createTestStore, STORE_KINDS } from './helpers/stores';

/**
 * No credential or token value reaches a log line, an error or a task
 * event: real flows (bootstrap, tokens made and revoked, consumers
 * registered, an agent connected, credentials rotated and revoked, wrong
 * secrets presented) run with every log at debug level, captured (the
 * server's in memory, the agent's and the CLI's from their stderr), and
 * every secret seen along the way is looked for in all of it.
 */

for (const kind of STORE_KINDS) {
  describe(`no secret in any log [${kind}]`, function () {
    this.timeout(90_000);
    const serverLog: string[] = [];
    let t: TestServer;

    before(async () => {
      const destination = new Writable({
        write(chunk, _encoding, done) {
          serverLog.push(String(chunk));
          done();
        },
      });
      t = await startServerOn(await createTestStore(kind), { logger: createLogger({ level: 'debug', destination }), agents: { pollIntervalMs: 100 } });
    });
    after(async () => {
      t.clients.close();
      await t.server.stop('test finished');
      await t.store.drop();
    });

    it('real flows with every log at debug level write no token or credential anywhere but the answers that issue them', async () => {
      const secrets: string[] = [t.token];
      const logs: string[] = [];
      const env = { TASKPLANE_SERVER: t.address, TASKPLANE_TOKEN: t.token, TASKPLANE_TOKEN_FILE: '', TASKPLANE_OUTPUT: 'json', TASKPLANE_LOG_LEVEL: 'debug' };
      const cli = async (args: string[], extra: Record<string, string> = {}): Promise<CliResult> => {
        const result = await runCli(args, { ...env, ...extra });
        logs.push(result.stderr);
        return result;
      };

      const bootstrapped = JSON.parse((await cli(['token', 'create', '--bootstrap', '--name', 'second-admin', '--role', 'admin', '--database-url', t.store.url])).stdout);
      secrets.push(bootstrapped.token);
      const operator = JSON.parse((await cli(['token', 'create', '--name', 'ci', '--role', 'operator'])).stdout);
      secrets.push(operator.secret);
      const { credential } = JSON.parse((await cli(['consumer', 'register', 'leaky-1'])).stdout);
      secrets.push(credential);

      const agent = await startAgentProcess(t.address, 'leaky-1', credential, undefined, [], { logLevel: 'debug' });
      try {
        const { task } = JSON.parse((await cli(['task', 'create', '--consumer', 'leaky-1', '--method', 'testing.echo', '--args', '{"a":1}'], { TASKPLANE_TOKEN: operator.secret })).stdout);
        await waitForState(t.clients, task.id, ['TASK_STATE_SUCCEEDED']);
        const rotated = JSON.parse((await cli(['consumer', 'rotate-credential', 'leaky-1'])).stdout);
        secrets.push(rotated.credential);
        await cli(['consumer', 'revoke-credential', 'leaky-1']);
        await eventually('the revoked agent to exit', async () => agent.child.exitCode !== null);
        assert.equal(agent.child.exitCode, 6, 'the agent was refused and said so');
      } finally {
        logs.push(agent.output());
        await agent.stop();
      }

      // Wrong secrets presented: to the API, and by an agent.
      const wrongToken = `tpt_${'W'.repeat(43)}`;
      const wrongCredential = `tpc_${'X'.repeat(43)}`;
      secrets.push(wrongToken, wrongCredential);
      const wrong = clientsWith(t, wrongToken);
      try {
        await expectStatus(call(wrong.tasks, 'listTasks', {}), grpc.status.UNAUTHENTICATED);
      } finally {
        wrong.close();
      }
      const impostor = new FakeAgent(t.address, 'leaky-1', wrongCredential);
      assert.equal((await impostor.closed()).code, grpc.status.UNAUTHENTICATED);
      impostor.close();
      await cli(['token', 'revoke', operator.token.id]);
      const refused = await cli(['task', 'list'], { TASKPLANE_TOKEN: operator.secret });
      assert.equal(refused.code, 6);

      const { knex } = t.server.db;
      const stored = JSON.stringify([await knex('task_events').select(), await knex('audit_events').select(), await knex('consumer_history').select(), await knex('api_tokens').select()]);
      const everything = { 'the server log': serverLog.join(''), 'agent and CLI output': logs.join('\n'), 'task events, audit, history and tokens tables': stored };
      assert.ok(serverLog.join('').includes('"event":"agent.connected"') && serverLog.join('').includes('"event":"rpc.refused"'), 'the capture saw the flows');
      for (const [where, text] of Object.entries(everything)) {
        for (const secret of secrets) assert.ok(!text.includes(secret), `${where} contains the secret ${secret.slice(0, 8)}...`);
      }
    });
  });
}
