import type { Command } from '../common/command';
import { CONSUMER_USAGE, runConsumer } from './commands/consumer';
import { runSchedule, SCHEDULE_USAGE } from './commands/schedule';
import { runTask, TASK_USAGE } from './commands/task';
import { runToken, TOKEN_USAGE } from './commands/token';
import { AUDIT_USAGE, runAudit } from './commands/audit';

/**
 * The client's commands of the `taskplane` binary: each talks to a server
 * over gRPC (client/client.ts). bin/taskplane.ts dispatches to them, next to
 * the server's (server/cli/) and the agent's (agent/cli.ts).
 */
export const clientCommands = {
  consumer: { usage: CONSUMER_USAGE, run: runConsumer },
  task: { usage: TASK_USAGE, run: runTask },
  schedule: { usage: SCHEDULE_USAGE, run: runSchedule },
  token: { usage: TOKEN_USAGE, run: runToken },
  audit: { usage: AUDIT_USAGE, run: runAudit },
} satisfies Record<string, Command>;
