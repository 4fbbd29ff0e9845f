import { spawn } from 'node:child_process';

export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs a program with arguments (never through a shell), killing it when
 * `signal` fires. Output is capped so a chatty tool cannot exhaust memory.
 */
export function runCommand(program: string, args: string[], signal: AbortSignal, env: NodeJS.ProcessEnv = {}): Promise<CommandResult> {
  const cap = 1024 * 1024;
  return new Promise((resolve, reject) => {
    const child = spawn(program, args, { env: { ...process.env, LC_ALL: 'C', ...env }, stdio: ['ignore', 'pipe', 'pipe'], signal });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout = (stdout + d).slice(-cap)));
    child.stderr.on('data', (d) => (stderr = (stderr + d).slice(-cap)));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}
