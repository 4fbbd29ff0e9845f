#!/usr/bin/env node
import fs from 'node:fs';
import path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { clientCommands } from '../client/cli';
import type { Command } from '../common/command';
import { EXIT, exitCodeForStatus, UsageError } from '../common/exit-codes';
import { COMPLETION_SHELLS, completionEntry, completionScript } from '../common/completion';

/**
 * The `taskplane` binary (package.json "bin"): picks the command and turns
 * any failure into one line on stderr and an exit code. The commands live
 * with their roles, which do not import one another: server/cli/,
 * agent/cli.ts, client/cli.ts.
 */

const USAGE = `taskplane: a durable task control plane for fleets of managed hosts

usage: taskplane <command> [flags]

  server     run the control plane             (taskplane server --help)
  agent      run the agent of a managed host   (taskplane agent --help)
  migrate    apply database migrations         (taskplane migrate --help)
  consumer   register|get|list|delete|history  (taskplane consumer --help)
  task       create|get|list|watch|cancel|watch-group|cancel-group
                                               (taskplane task --help)
  schedule   create|update|pause|preview|...   (taskplane schedule --help)
  token      create|list|revoke API tokens      (taskplane token --help)
  audit      list the audit log                (taskplane audit --help)
  help       help COMMAND: the help of one command
  completion bash|zsh: shell completion, e.g. source <(taskplane completion bash)

Client flags (consumer, task, schedule, token, audit):
  --server ADDRESS     TASKPLANE_SERVER, default 127.0.0.1:50051 (https://... for TLS)
  --token-file PATH    TASKPLANE_TOKEN_FILE, or the API token in TASKPLANE_TOKEN
  --tls-ca FILE, --tls-cert FILE, --tls-key FILE   TLS trust and client certificate
  --output FORMAT      TASKPLANE_OUTPUT: table (default), json or jsonl
  --utc                times in UTC rather than the local zone (TZ)

Start: the first \`taskplane server\` on the embedded store prints an admin token;
\`taskplane token create --bootstrap --name NAME --role admin\` makes one any time.

Exit codes: 0 ok, 1 other failure, 2 usage or INVALID_ARGUMENT, 3 NOT_FOUND,
4 ALREADY_EXISTS or FAILED_PRECONDITION, 5 server unreachable,
6 UNAUTHENTICATED or PERMISSION_DENIED; task run and task watch: 8 the task
FAILED, 9 CANCELED, 10 TIMED_OUT, 11 EXPIRED; task watch-group: 8 a task of
the group did not succeed.

taskplane --version prints the version.`;

/**
 * Each command's module, loaded only when that command runs (or its help is
 * asked for): the server's and the agent's bring knex, the stores and the
 * plugins, a fifth of a client command's start-up time for nothing.
 */
const COMMANDS: Record<string, () => Command> = {
  server: () => (require('../server/cli/server-command') as typeof import('../server/cli/server-command')).serverCommand,
  agent: () => (require('../agent/cli') as typeof import('../agent/cli')).agentCommand,
  migrate: () => (require('../server/cli/migrate-command') as typeof import('../server/cli/migrate-command')).migrateCommand,
  ...Object.fromEntries(Object.entries(clientCommands).map(([name, command]) => [name, () => command])),
};

function bootstrap(): Command {
  const { tokenBootstrapCommand } = require('../server/cli/token-bootstrap-command') as typeof import('../server/cli/token-bootstrap-command');
  return { usage: tokenBootstrapCommand.usage, run: (args) => tokenBootstrapCommand.run(args.slice(1)) };
}

const COMPLETION_USAGE = `taskplane completion bash|zsh

Prints a completion script for commands, verbs and flags. bash: add
  source <(taskplane completion bash)
to ~/.bashrc; zsh: add
  source <(taskplane completion zsh)
to ~/.zshrc (after compinit).`;

const HELP_USAGE = `taskplane help [COMMAND]: this help, or the help of COMMAND`;

/** The help of every command, including help and completion themselves, by name. */
function usages(): Record<string, string> {
  return { ...Object.fromEntries(Object.entries(COMMANDS).map(([name, load]) => [name, load().usage])), help: HELP_USAGE, completion: COMPLETION_USAGE };
}

/** package.json's version, from dist/bin/ or bin/. */
export function version(): string {
  for (const up of [['..', '..'], ['..']]) {
    const file = path.resolve(__dirname, ...up, 'package.json');
    if (fs.existsSync(file)) return (JSON.parse(fs.readFileSync(file, 'utf8')) as { version: string }).version;
  }
  return 'unknown';
}

function help(args: string[]): number {
  const [name, extra] = args;
  if (extra !== undefined) throw new UsageError(`help: unexpected argument "${extra}"; usage: ${HELP_USAGE}`);
  const all = usages();
  if (name === undefined) {
    process.stdout.write(`${USAGE}\n`);
    return EXIT.OK;
  }
  if (!Object.hasOwn(all, name)) throw new UsageError(`help: unknown command "${name}"; run taskplane --help`);
  process.stdout.write(`${all[name]}\n`);
  return EXIT.OK;
}

function completion(args: string[]): number {
  const [shell, extra] = args;
  if (!(COMPLETION_SHELLS as readonly string[]).includes(shell) || extra !== undefined) throw new UsageError(`completion needs bash or zsh: ${COMPLETION_USAGE.split('\n')[0]}`);
  const entries = Object.fromEntries(Object.entries(usages()).map(([name, usage]) => [name, completionEntry(usage)]));
  process.stdout.write(completionScript(shell as (typeof COMPLETION_SHELLS)[number], entries, ['--help', '--version']));
  return EXIT.OK;
}

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === '--help' || command === '-h') {
    process.stdout.write(`${USAGE}\n`);
    return command ? EXIT.OK : EXIT.USAGE;
  }
  if (command === '--version' || command === '-V' || command === 'version') {
    process.stdout.write(`taskplane ${version()}\n`);
    return EXIT.OK;
  }
  if (command === 'help') return help(rest);
  if (command === 'completion') {
    if (rest.includes('--help') || rest.includes('-h')) return help(['completion']);
    return completion(rest);
  }
  if (!Object.hasOwn(COMMANDS, command)) throw new UsageError(`unknown command "${command}"; run taskplane --help`);
  // Bootstrap opens the store itself (server/cli/), unlike the client verbs of `token`.
  const { usage, run } = command === 'token' && rest[0] === 'create' && rest.includes('--bootstrap') ? bootstrap() : COMMANDS[command]();
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(`${usage}\n`);
    return EXIT.OK;
  }
  return run(rest);
}

/** Every failure becomes one clear line on stderr and a documented exit code. */
export function describeFailure(err: unknown): { line: string; code: number } {
  const e = err as grpc.ServiceError & { code?: unknown };
  if (typeof e?.code === 'number' && 'details' in e) {
    return { line: `error: ${grpc.status[e.code]}: ${oneLine(statusDetails(e))}`, code: exitCodeForStatus(e.code) };
  }
  if (err instanceof UsageError || (err as { code?: string })?.code?.toString().startsWith('ERR_PARSE_ARGS')) {
    return { line: `error: ${oneLine((err as Error).message)}`, code: EXIT.USAGE };
  }
  // Anything else, e.g. the server's domain errors (server/errors.ts) met before it serves.
  return { line: `error: ${oneLine((err as Error)?.message ?? String(err))}`, code: EXIT.FAILURE };
}

/** gRPC's text for an unreachable server ends in "Resolution note: " with nothing after it; say which server instead. */
function statusDetails(e: grpc.ServiceError): string {
  const details = e.details.replace(/\.?\s*Resolution note:\s*$/, '');
  return e.code === grpc.status.UNAVAILABLE && details !== e.details ? `${details} (is the server running? see --server, TASKPLANE_SERVER)` : details;
}

/** The first line only: a message with a stack or a list under it (Node's "Require stack:") is not one error line. */
function oneLine(text: string): string {
  return text.split('\n')[0].trim();
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (err) => {
      const { line, code } = describeFailure(err);
      process.stderr.write(`${line}\n`);
      process.exitCode = code;
    },
  );
}
