import assert from 'node:assert/strict';
import { call } from '../client/client';
import { displayWidth } from '../common/display-width';
import { runCli } from './helpers/processes';
import { startServerOn, type TestServer } from './helpers/server';
import { createTestStore } from './helpers/stores';

/**
 * What the CLI prints, for scripts (--output json/jsonl in the proto3 JSON
 * mapping) and for people (tables in local time, relative times, aligned
 * by what a terminal shows): the real binary against a real server.
 */

const RFC3339_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{3}|\.\d{6}|\.\d{9})?Z$/;

describe('taskplane CLI output', function () {
  this.timeout(60_000);
  let t: TestServer;

  function cli(args: string[], env: NodeJS.ProcessEnv = {}) {
    return runCli(args, { TASKPLANE_SERVER: t.address, TASKPLANE_TOKEN: t.token, TASKPLANE_TOKEN_FILE: '', TASKPLANE_OUTPUT: 'table', TZ: 'UTC', NO_COLOR: '', ...env });
  }

  async function ok(args: string[], env: NodeJS.ProcessEnv = {}): Promise<string> {
    const result = await cli(args, env);
    assert.equal(result.code, 0, `taskplane ${args.join(' ')}: ${result.stderr}`);
    return result.stdout;
  }

  before(async function () {
    t = await startServerOn(await createTestStore('sqlite'));
    await call(t.clients.consumers, 'registerConsumer', { consumerId: 'out-1', displayName: 'plain', labels: { tier: 'web' } });
    await call(t.clients.consumers, 'registerConsumer', { consumerId: 'out-2', displayName: '東京の🖥️サーバ', labels: { tier: 'web' } });
  });

  after(async function () {
    t?.clients.close();
    await t?.server.stop('test finished');
    await t?.store.drop();
  });

  it('--output json follows the proto3 JSON mapping, with arguments as a JSON value next to the raw text', async function () {
    const args = '{"packages": ["zsh"], "n": 1}';
    const { task } = JSON.parse(await ok(['task', 'create', '--consumer', 'out-1', '--method', 'demo.run', '--args', args, '--timeout', '90s', '--at', '2099-01-01T00:00:00Z', '--output', 'json']));
    assert.match(task.createTime, RFC3339_UTC);
    assert.equal(task.notBeforeTime, '2099-01-01T00:00:00Z');
    assert.equal(task.timeoutDuration, '90s');
    assert.equal(task.state, 'TASK_STATE_SCHEDULED');
    assert.deepEqual(task.arguments, { packages: ['zsh'], n: 1 });
    assert.equal(task.argumentsJson, '{"packages":["zsh"],"n":1}');
    assert.equal(task.attempt, 0);
    assert.equal('endTime' in task, false, 'an unset message field is left out');

    const { consumer } = JSON.parse(await ok(['consumer', 'get', 'out-2', '--output', 'json']));
    assert.equal(consumer.displayName, '東京の🖥️サーバ');
    assert.match(consumer.createTime, RFC3339_UTC);
  });

  it('--output jsonl prints a list one entry a line, and a watch one event a line', async function () {
    const created = [];
    for (let i = 0; i < 3; i++) created.push(JSON.parse(await ok(['task', 'create', '--consumer', 'out-1', '--method', 'demo.list', '--output', 'json'])).task.id);
    const lines = (await ok(['task', 'list', '--method', 'demo.list', '--output', 'jsonl'])).trimEnd().split('\n');
    assert.deepEqual(lines.map((l) => JSON.parse(l).id).sort(), [...created].sort());

    await call(t.clients.tasks, 'cancelTask', { taskId: created[0] });
    const watched = await cli(['task', 'watch', created[0], '--output', 'jsonl']);
    const events = watched.stdout.trimEnd().split('\n').map((l) => JSON.parse(l).event);
    assert.deepEqual(events.map((e) => e.state), ['TASK_STATE_WAITING', 'TASK_STATE_CANCELED']);
    assert.equal(typeof events[0].id, 'string', 'int64 as a string');
    assert.match(events[1].eventTime, RFC3339_UTC);
  });

  it('tables show local time with its offset (TZ), UTC with --utc, how long ago, and duration and ended columns', async function () {
    const { task } = JSON.parse(await ok(['task', 'create', '--consumer', 'out-1', '--method', 'demo.table', '--output', 'json']));
    await call(t.clients.tasks, 'cancelTask', { taskId: task.id });
    const tokyo = await ok(['task', 'list', '--method', 'demo.table'], { TZ: 'Asia/Tokyo' });
    const [header, row] = tokyo.trimEnd().split('\n');
    assert.match(header, /^ID\s+CONSUMER\s+METHOD\s+STATE\s+CREATED\s+DURATION\s+ENDED\s+LABELS$/);
    assert.match(row, /CANCELED\s+\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+09:00 \((\d+ s ago|now)\)\s+\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+09:00 \((\d+ s ago|now)\)/);

    const utc = await ok(['task', 'list', '--method', 'demo.table', '--utc'], { TZ: 'Asia/Tokyo' });
    assert.match(utc, /CANCELED\s+\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z \(/);

    const scheduled = await ok(['task', 'create', '--consumer', 'out-1', '--method', 'demo.later', '--in', '10m']);
    assert.match(scheduled, /not before:\s+\S+ \(in (10|9) m\)/);
  });

  it('a date alone is midnight in the local zone (TZ), as the help says', async function () {
    const { task } = JSON.parse(await ok(['task', 'create', '--consumer', 'out-1', '--method', 'demo.date', '--at', '2099-12-01', '--output', 'json'], { TZ: 'Asia/Tokyo' }));
    assert.equal(task.notBeforeTime, '2099-11-30T15:00:00Z');
  });

  it('consumer register tells where the credential goes: a file for --token-file, as the agent\'s help does', async function () {
    const out = await ok(['consumer', 'register', 'out-3']);
    assert.match(out, /give it to `taskplane agent --token-file FILE`/);
    assert.doesNotMatch(out, /agent --token`/);
  });

  it('tables align by terminal columns (CJK and emoji are two wide) and carry no colour into a pipe', async function () {
    const out = await ok(['consumer', 'list']);
    assert.doesNotMatch(out, /\u001b\[/, 'no escape codes when stdout is not a terminal');
    const [header, ...rows] = out.trimEnd().split('\n');
    const labelsColumn = displayWidth(header.slice(0, header.indexOf('LABELS')));
    for (const name of ['plain', '東京の🖥️サーバ']) {
      const row = rows.find((l) => l.includes(name))!;
      // Each row's labels start where the header's LABELS does, counted in terminal columns.
      assert.equal(displayWidth(row.slice(0, row.indexOf('tier=web'))), labelsColumn, `row of ${name} misaligned:\n${out}`);
    }
  });
});
