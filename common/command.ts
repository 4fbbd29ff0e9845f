/**
 * One command of the `taskplane` binary. Shared because each role defines
 * its own commands (server/cli/, agent/cli.ts, client/cli.ts) and
 * bin/taskplane.ts dispatches to them without knowing how they work.
 */
export interface Command {
  /** Printed for `taskplane <command> --help`. */
  usage: string;
  /** Runs with the arguments after the command's name; resolves to the exit code (common/exit-codes.ts). */
  run(args: string[]): Promise<number>;
}
