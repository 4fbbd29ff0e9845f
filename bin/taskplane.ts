#!/usr/bin/env node
import * as grpc from '@grpc/grpc-js';
import { agentCommand } from '../agent/cli';
import { clientCommands } from '../client/cli';
import { migrateCommand } from '../server/cli/migrate-command';
import { serverCommand } from '../server/cli/server-command';
import { tokenBootstrapCommand } from '../server/cli/token-bootstrap-command';
import type { Command } from '../common/command';
import { EXIT, exitCodeForStatus, UsageError } from '../common/exit-codes';

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

Client flags (consumer, task, schedule, token, audit):
  --server ADDRESS     TASKPLANE_SERVER, default 127.0.0.1:50051 (https://... for TLS)
  --token-file PATH    TASKPLANE_TOKEN_FILE, or the API token in TASKPLANE_TOKEN
  --tls-ca FILE, --tls-cert FILE, --tls-key FILE   TLS trust and client certificate
  --output table|json  TASKPLANE_OUTPUT, default table

Start: the first \`taskplane server\` on the embedded store prints an admin token;
\`taskplane token create --bootstrap --name NAME --role admin\` makes one any time.

Exit codes: 0 ok, 1 other failure, 2 usage or INVALID_ARGUMENT, 3 NOT_FOUND,
4 ALREADY_EXISTS or FAILED_PRECONDITION, 5 server unreachable,
6 UNAUTHENTICATED or PERMISSION_DENIED, 8 watched task (or a task of a
watched group) did not succeed.`;

const COMMANDS: Record<string, Command> = {
  server: serverCommand,
  agent: agentCommand,
  migrate: migrateCommand,
  ...clientCommands,
};

const bootstrap: Command = { usage: tokenBootstrapCommand.usage, run: (args) => tokenBootstrapCommand.run(args.slice(1)) };

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return command ? EXIT.OK : EXIT.USAGE;
  }
  if (!Object.hasOwn(COMMANDS, command)) throw new UsageError(`unknown command "${command}"; run taskplane --help`);
  // Bootstrap opens the store itself (server/cli/), unlike the client verbs of `token`.
  const { usage, run } = command === 'token' && rest[0] === 'create' && rest.includes('--bootstrap') ? bootstrap : COMMANDS[command];
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
    return { line: `error: ${grpc.status[e.code]}: ${e.details}`, code: exitCodeForStatus(e.code) };
  }
  if (err instanceof UsageError || (err as { code?: string })?.code?.toString().startsWith('ERR_PARSE_ARGS')) {
    return { line: `error: ${(err as Error).message}`, code: EXIT.USAGE };
  }
  // Anything else, including the server's domain errors (server/errors.ts) met before it serves, e.g. a bad --listen.
  return { line: `error: ${(err as Error)?.message ?? String(err)}`, code: EXIT.FAILURE };
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
