import os from 'node:os';
import type { PluginClass } from '../plugin-api';
import { TaskFailure } from '../plugin-api';
import { runCommand } from './run-command';

/** system.info: what the host is. system.run: only the commands the agent's configuration allow-lists. */
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
      const result = await runCommand(command, args as string[], ctx.signal);
      if (ctx.signal.aborted) throw new TaskFailure('Canceled', 'canceled');
      return { exit_code: result.code, stdout: result.stdout.slice(-65536), stderr: result.stderr.slice(-65536) };
    };
  }
  return plugin;
}
