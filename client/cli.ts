#!/usr/bin/env node
import * as grpc from '@grpc/grpc-js';
import { parseArgs } from 'node:util';
import { TaskplaneError } from '../server/errors';
import { EXIT, exitCodeForStatus, UsageError } from '../shared/exit-codes';
import { Output, outputFormat } from '../shared/output';
import { MIGRATE_USAGE, runMigrate } from './commands/migrate';
import { runServer, SERVER_USAGE } from './commands/server';
import { CONSUMER_USAGE, runConsumer } from './commands/consumer';
import { runTask, TASK_USAGE } from './commands/task';
import { runSchedule, SCHEDULE_USAGE } from './commands/schedule';
import { AGENT_USAGE, runAgent } from './commands/agent';

const USAGE = `taskplane: a durable task control plane for fleets of managed hosts

usage: taskplane <command> [flags]

  server     run the control plane             (taskplane server --help)
  agent      run the agent of a managed host   (taskplane agent --help)
  migrate    apply database migrations         (taskplane migrate --help)
  consumer   register|get|list|delete|history  (taskplane consumer --help)
  task       create|get|list|watch|cancel|watch-group|cancel-group
                                               (taskplane task --help)
  schedule   create|update|pause|preview|...   (taskplane schedule --help)

Client flags (consumer, task, schedule):
  --server HOST:PORT   TASKPLANE_SERVER, default 127.0.0.1:50051
  --output table|json  TASKPLANE_OUTPUT, default table

Exit codes: 0 ok, 1 other failure, 2 usage or INVALID_ARGUMENT, 3 NOT_FOUND,
4 ALREADY_EXISTS or FAILED_PRECONDITION, 5 server unreachable,
6 UNAUTHENTICATED or PERMISSION_DENIED, 8 watched task (or a task of a
watched group) did not succeed.`;

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return command ? EXIT.OK : EXIT.USAGE;
  }
  const wantsHelp = rest.includes('--help') || rest.includes('-h');
  switch (command) {
    case 'server': {
      if (wantsHelp) return help(SERVER_USAGE);
      const { values } = parseArgs({
        args: rest,
        options: {
          listen: { type: 'string' },
          'database-url': { type: 'string' },
          migrate: { type: 'boolean' },
          'shutdown-timeout': { type: 'string' },
          'agent-liveness-timeout': { type: 'string' },
          'database-pool-max': { type: 'string' },
        },
      });
      return runServer(values);
    }
    case 'agent':
      if (wantsHelp) return help(AGENT_USAGE);
      return runAgent(rest);
    case 'migrate': {
      if (wantsHelp) return help(MIGRATE_USAGE);
      const { values } = parseArgs({ args: rest, options: { 'database-url': { type: 'string' }, status: { type: 'boolean' }, output: { type: 'string' } } });
      return runMigrate(values, new Output(outputFormat(values.output)));
    }
    case 'consumer':
      if (wantsHelp) return help(CONSUMER_USAGE);
      return runConsumer(rest);
    case 'task':
      if (wantsHelp) return help(TASK_USAGE);
      return runTask(rest);
    case 'schedule':
      if (wantsHelp) return help(SCHEDULE_USAGE);
      return runSchedule(rest);
    default:
      throw new UsageError(`unknown command "${command}"; run taskplane --help`);
  }
}

function help(text: string): number {
  process.stdout.write(`${text}\n`);
  return EXIT.OK;
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
  if (err instanceof TaskplaneError) return { line: `error: ${err.message}`, code: EXIT.FAILURE };
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
