import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ChildProcess } from 'node:child_process';
import * as grpc from '@grpc/grpc-js';
import type { TaskplaneClients } from '../../client/client';
import type { TaskState__Output } from '../../protos/generated/taskplane/v1/TaskState';
import type { TaskEvent__Output } from '../../protos/generated/taskplane/v1/TaskEvent';
import { exited, startCli } from './processes';

export const TESTING_PLUGIN = path.resolve(__dirname, '..', 'fixtures', 'testing-plugin.js');

export interface AgentProcess {
  child: ChildProcess;
  /** The state directory it was given, or the default it chose (from its log). */
  stateDir: string;
  output: () => string;
  /** SIGTERM, then waits for the exit. */
  stop(): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGKILL: no chance to clean up, as in a crash. */
  kill9(): Promise<void>;
}

const tempDirs: string[] = [];

/** A fresh directory under the system temp dir, removed when the whole run ends. */
export function tempDir(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `taskplane-${prefix}-`));
  tempDirs.push(dir);
  return dir;
}

// A root hook (registered once, when the first test file imports this
// module): agents' state directories outlive single tests, since restarts
// reuse them, so they are removed when the run ends.
after(() => {
  for (const dir of tempDirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

/**
 * A real `taskplane agent` process with the testing plugin, resolved once it
 * is connected. `stateDir` null: no --state-dir, the agent's default.
 */
export async function startAgentProcess(
  address: string,
  consumerId: string,
  credential: string,
  stateDir: string | null = tempDir('agent'),
  extraArgs: string[] = [],
  options: { env?: NodeJS.ProcessEnv; cwd?: string; logLevel?: string } = {},
): Promise<AgentProcess> {
  const started = await startCli(
    ['agent', '--server', address, '--consumer', consumerId, ...(stateDir === null ? [] : ['--state-dir', stateDir]), '--plugin', TESTING_PLUGIN, '--shutdown-grace', '5', ...extraArgs],
    { TASKPLANE_TOKEN: credential, TASKPLANE_TOKEN_FILE: '', TASKPLANE_LOG_LEVEL: options.logLevel ?? 'info', ...options.env },
    /"event":"agent\.connected"/,
    30_000,
    options.cwd,
  );
  const logged = /"event":"agent\.state"[^\n]*"stateDir":"([^"]+)"/.exec(started.output());
  return {
    child: started.child,
    stateDir: stateDir ?? logged?.[1] ?? '',
    output: started.output,
    async stop() {
      if (started.child.exitCode !== null || started.child.signalCode !== null) return exited(started.child);
      started.child.kill('SIGTERM');
      return exited(started.child);
    },
    async kill9() {
      started.child.kill('SIGKILL');
      await exited(started.child);
    },
  };
}

/**
 * Resolves with the task's event that reaches one of `states`, watching it
 * through WatchTask (event-driven, no polling), within `deadlineMs`.
 */
export function waitForState(clients: TaskplaneClients, taskId: string, states: TaskState__Output[], deadlineMs = 15_000, afterEventId = '0'): Promise<TaskEvent__Output> {
  return new Promise((resolve, reject) => {
    const stream = clients.tasks.watchTask({ taskId, afterEventId }, { deadline: Date.now() + deadlineMs });
    let seen: string[] = [];
    stream.on('data', ({ event }: { event: TaskEvent__Output }) => {
      seen.push(`${event.type}:${event.state}`);
      if (event.type === 'TASK_EVENT_TYPE_STATE_CHANGED' && states.includes(event.state)) {
        resolve(event);
        stream.cancel();
      }
    });
    stream.on('error', (err: grpc.ServiceError) => {
      if (err.code !== grpc.status.CANCELLED) reject(new Error(`task ${taskId} did not reach ${states.join('/')} (saw ${seen.join(', ')}): ${err.details}`));
    });
    stream.on('end', () => reject(new Error(`task ${taskId} ended without reaching ${states.join('/')} (saw ${seen.join(', ')})`)));
  });
}
