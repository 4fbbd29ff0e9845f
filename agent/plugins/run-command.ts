import { spawn } from 'node:child_process';

export interface CommandResult {
  /** The exit code; null when a signal ended the command. */
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  /** Fires on cancel, timeout or agent shutdown: the command's process group is stopped. */
  signal: AbortSignal;
  env?: NodeJS.ProcessEnv;
  /** Called with the process group id once the command started, for the journal. */
  onProcessGroup?: (pgid: number) => void;
  /** Between SIGTERM and SIGKILL when stopping the group (default 5 s). */
  killGraceMs?: number;
}

/** Output kept per stream, from the end: a chatty tool cannot exhaust memory. */
const OUTPUT_CAP = 1024 * 1024;

/**
 * Runs a program with arguments (never through a shell) in its own process
 * group, so nothing it starts is left behind: when `signal` fires the whole
 * group gets SIGTERM, then SIGKILL after the grace; when the program exits,
 * what is left in its group gets SIGTERM. The group id goes to
 * `onProcessGroup`, so an agent that dies mid-command can find and stop the
 * group when it comes back (agent/process-groups.ts).
 */
export function runCommand(program: string, args: string[], options: RunOptions): Promise<CommandResult> {
  const { signal } = options;
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(new Error('aborted before the command started'));
    const child = spawn(program, args, { env: { ...process.env, LC_ALL: 'C', ...options.env }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    const pgid = child.pid;
    let stdout = '';
    let stderr = '';
    let killTimer: NodeJS.Timeout | null = null;
    const signalGroup = (sig: NodeJS.Signals) => {
      if (pgid === undefined) return;
      try {
        process.kill(-pgid, sig);
      } catch {
        // ESRCH: the group is already empty.
      }
    };
    const stop = () => {
      signalGroup('SIGTERM');
      killTimer = setTimeout(() => signalGroup('SIGKILL'), options.killGraceMs ?? 5_000);
      killTimer.unref();
    };
    signal.addEventListener('abort', stop, { once: true });
    if (pgid !== undefined) options.onProcessGroup?.(pgid);
    child.stdout.on('data', (d) => (stdout = (stdout + d).slice(-OUTPUT_CAP)));
    child.stderr.on('data', (d) => (stderr = (stderr + d).slice(-OUTPUT_CAP)));
    // The program is done: whatever it left in its group would be orphaned work.
    child.on('exit', () => signalGroup('SIGTERM'));
    child.on('error', (err) => {
      signal.removeEventListener('abort', stop);
      reject(err);
    });
    child.on('close', (code, sig) => {
      signal.removeEventListener('abort', stop);
      if (killTimer) clearTimeout(killTimer);
      resolve({ code, signal: sig, stdout, stderr });
    });
  });
}
