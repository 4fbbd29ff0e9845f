import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { EXIT } from '../common/exit-codes';
import { runCli, type CliResult } from './helpers/processes';

/**
 * The binary's own surface, no server needed (or one that is down):
 * --version, help, shell completion, usage mistakes exiting 2, and every
 * failure in one line naming what was wrong.
 */

const NO_SERVER_ENV = { TASKPLANE_TOKEN: 'tpt_unused', TASKPLANE_TOKEN_FILE: '', TASKPLANE_OUTPUT: 'table' };

function onlyLine(result: CliResult): string {
  const lines = result.stderr.trimEnd().split('\n');
  assert.equal(lines.length, 1, `one line expected on stderr, got:\n${result.stderr}`);
  return lines[0];
}

async function usageError(args: string[], env: NodeJS.ProcessEnv = {}): Promise<string> {
  const result = await runCli(args, { ...NO_SERVER_ENV, ...env });
  assert.equal(result.code, EXIT.USAGE, `taskplane ${args.join(' ')} exited ${result.code}: ${result.stderr}`);
  return onlyLine(result);
}

async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('taskplane binary: version, help, completion, usage errors', function () {
  this.timeout(60_000);

  it('--version prints the version of package.json', async function () {
    const { version } = JSON.parse(fs.readFileSync(path.resolve(__dirname, '..', '..', 'package.json'), 'utf8'));
    const result = await runCli(['--version']);
    assert.equal(result.code, 0);
    assert.equal(result.stdout, `taskplane ${version}\n`);
  });

  it('help COMMAND prints what COMMAND --help does; an unknown one exits 2', async function () {
    const [viaHelp, viaFlag] = await Promise.all([runCli(['help', 'task']), runCli(['task', '--help'])]);
    assert.equal(viaHelp.code, 0);
    assert.equal(viaHelp.stdout, viaFlag.stdout);
    assert.match(viaHelp.stdout, /^taskplane task <verb>/);
    assert.match(await usageError(['help', 'tasks']), /^error: help: unknown command "tasks"/);
  });

  it('completion bash completes every command, each verb its usage lists, and flags', async function () {
    const script = (await runCli(['completion', 'bash'])).stdout;
    const complete = (words: string[]) => {
      const program = `${script}\nCOMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}; _taskplane; printf '%s\\n' "\${COMPREPLY[@]}"`;
      return execFileSync('bash', ['-c', program], { encoding: 'utf8' }).trim().split('\n').filter(Boolean);
    };
    const commands = complete(['taskplane', '']);
    for (const command of ['server', 'agent', 'migrate', 'consumer', 'task', 'schedule', 'token', 'audit', 'help', 'completion']) assert.ok(commands.includes(command), `no ${command} in ${commands}`);
    assert.deepEqual(complete(['taskplane', 'ta']), ['task']);
    const taskVerbs = complete(['taskplane', 'task', '']);
    for (const verb of ['create', 'run', 'get', 'list', 'watch', 'cancel', 'watch-group', 'cancel-group']) assert.ok(taskVerbs.includes(verb), `no task ${verb} in ${taskVerbs}`);
    assert.ok(complete(['taskplane', 'task', 'create', '--idem']).includes('--idempotency-key'));
    assert.ok(complete(['taskplane', 'server', '--shut']).includes('--shutdown-timeout'));
    assert.ok(complete(['taskplane', 'help', 'sch']).includes('schedule'));
    const zsh = await runCli(['completion', 'zsh']);
    assert.equal(zsh.code, 0);
    assert.match(zsh.stdout, /^autoload -U \+X bashcompinit && bashcompinit\n/);
    assert.match(await usageError(['completion', 'fish']), /^error: completion needs bash or zsh/);
  });

  it('the server and the agent exit 2 on a bad flag, in one line naming it', async function () {
    assert.match(await usageError(['server', '--listen', '127.0.0.1:99999']), /^error: --listen "127\.0\.0\.1:99999" is not host:port/);
    assert.match(await usageError(['server', '--shutdown-timeout', 'abc']), /^error: --shutdown-timeout "abc" is not a positive number/);
    assert.match(await usageError(['agent', '--consumer', 'x', '--token', 't', '--plugin', './no-such-plugin.js']), /^error: agent: --plugin \.\/no-such-plugin\.js: no such module$/);
    assert.match(await usageError(['agent', '--consumer', 'x', '--token-file', '/nonexistent']), /^error: agent: --token-file \/nonexistent: ENOENT$/);
  });

  it('a server that is down is one line, without gRPC\'s empty "Resolution note:"', async function () {
    const result = await runCli(['task', 'list', '--server', `127.0.0.1:${await closedPort()}`], NO_SERVER_ENV);
    assert.equal(result.code, EXIT.UNAVAILABLE);
    const line = onlyLine(result);
    assert.match(line, /^error: UNAVAILABLE: .*ECONNREFUSED.*\(is the server running\?/);
    assert.doesNotMatch(line, /Resolution note/);
  });

  it('an empty flag value is a usage error naming the flag, not a flag left out', async function () {
    assert.match(await usageError(['task', 'create', '--consumer', '', '--method', 'a.b']), /^error: task create: --consumer needs a value, not an empty string$/);
    assert.match(await usageError(['schedule', 'create', '--cron', '0 * * * *', '--tz', '', '--method', 'a.b', '--consumer', 'c']), /--tz needs a value/);
    assert.match(await usageError(['consumer', 'register', 'web-1', '--display-name', '']), /--display-name needs a value/);
    assert.match(await usageError(['agent', '--consumer', '', '--token', 't']), /^error: agent: --consumer needs a value/);
  });

  it('times parse strictly: an impossible date is refused, not rolled over', async function () {
    assert.match(await usageError(['task', 'create', '--consumer', 'c', '--method', 'a.b', '--at', '2026-02-30T00:00:00Z']), /^error: --at "2026-02-30T00:00:00Z" is not a date: 2026-02 has 28 days$/);
    assert.match(await usageError(['task', 'list', '--since', '2026-13-01']), /--since "2026-13-01" has no month 13/);
    assert.match(await usageError(['task', 'list', '--since', 'yesterday']), /--since "yesterday" is not a time/);
  });
});
