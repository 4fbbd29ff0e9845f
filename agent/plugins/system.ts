import os from 'node:os';
import type { PluginClass } from '../plugin-api';
import { TaskFailure } from '../plugin-api';
import { runCommand } from './run-command';

/** How much of each output stream a system.run result or CommandFailed error keeps (the end of it). */
const OUTPUT_TAIL = 64 * 1024;
/** The tail in a CommandFailed error's details: both, JSON-escaped, stay well under the 64 KiB cap on error details. */
const ERROR_TAIL = 4 * 1024;

/**
 * system.info: what the host is. system.run: only the commands the agent's
 * configuration allow-lists; a non-zero exit (or a signal) is a failure,
 * "CommandFailed", with the exit code and the tails of its output.
 */
export function systemPlugin(allowedCommands: string[]): PluginClass {
  const plugin: PluginClass = {
    info: {
      rerunSafe: true,
      run: async () => ({
        hostname: os.hostname(),
        platform: os.platform(),
        release: os.release(),
        arch: os.arch(),
        cpus: os.cpus().length,
        memory_bytes: os.totalmem(),
        uptime_seconds: Math.round(os.uptime()),
        node: process.version,
      }),
    },
  };
  if (allowedCommands.length > 0) {
    plugin.run = async (ctx) => {
      const command = ctx.args.command;
      const args = ctx.args.args ?? [];
      if (typeof command !== 'string' || !allowedCommands.includes(command)) {
        throw new TaskFailure('CommandNotAllowed', `command ${JSON.stringify(command)} is not in this agent's allow-list`);
      }
      if (!Array.isArray(args) || args.some((a) => typeof a !== 'string')) throw new TaskFailure('InvalidArguments', 'args must be an array of strings');
      const result = await runCommand(command, args as string[], { signal: ctx.signal, onProcessGroup: ctx.trackProcessGroup });
      if (ctx.signal.aborted) throw new TaskFailure('Canceled', 'canceled');
      if (result.code !== 0) {
        const how = result.code === null ? `was ended by ${result.signal}` : `exited with ${result.code}`;
        throw new TaskFailure('CommandFailed', `${command} ${how}`, {
          exit_code: result.code,
          signal: result.signal,
          stdout_tail: result.stdout.slice(-ERROR_TAIL),
          stderr_tail: result.stderr.slice(-ERROR_TAIL),
        });
      }
      return { exit_code: 0, stdout: result.stdout.slice(-OUTPUT_TAIL), stderr: result.stderr.slice(-OUTPUT_TAIL) };
    };
  }
  return plugin;
}
