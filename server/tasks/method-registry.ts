import { InvalidArgumentError } from '../errors';
import type { NewHistoryEvent } from '../store/consumer-store';

/**
 * What the server knows about a method: how to check its arguments at
 * CreateTask, and the success hook that runs in the transaction that settles
 * the task (the seed's InstallPackages.succeeded()). Methods the server does
 * not know are still accepted: the agent's plugins decide what they run.
 */
export interface MethodDefinition {
  /** Throws InvalidArgumentError naming the argument (e.g. "arguments_json.packages"). */
  validateArguments?(args: Record<string, unknown>): void;
  /** History events to record when the task SUCCEEDED; written exactly once per task. */
  onSuccess?(task: SettledTask): NewHistoryEvent[];
}

export interface SettledTask {
  id: string;
  consumerId: string;
  method: string;
  arguments: Record<string, unknown>;
  result: unknown;
  settleTime: number;
}

export class MethodRegistry {
  private readonly methods = new Map<string, MethodDefinition>();

  register(method: string, definition: MethodDefinition): this {
    this.methods.set(method, definition);
    return this;
  }

  get(method: string): MethodDefinition | undefined {
    return this.methods.get(method);
  }
}

// Debian and RPM package names, optionally with an architecture and a version
// constraint as the package managers accept them ("nginx", "libc6:amd64", "vim=2:9.0*").
const PACKAGE_NAME = /^[A-Za-z0-9][A-Za-z0-9.+_:~-]*(=[A-Za-z0-9.+_:~*-]+)?$/;

function packagesArgument(args: Record<string, unknown>, required: boolean): void {
  const packages = args.packages;
  if (packages === undefined && !required) return;
  if (!Array.isArray(packages) || (required && packages.length === 0)) {
    throw new InvalidArgumentError('arguments_json.packages', required ? 'must be a non-empty array of package names' : 'must be an array of package names');
  }
  packages.forEach((name, i) => {
    if (typeof name !== 'string' || !PACKAGE_NAME.test(name) || name.length > 255) {
      throw new InvalidArgumentError(`arguments_json.packages[${i}]`, `${JSON.stringify(name)} is not a package name`);
    }
  });
  if (args.dry_run !== undefined && typeof args.dry_run !== 'boolean') throw new InvalidArgumentError('arguments_json.dry_run', 'must be true or false');
}

function packagesHistory(type: string) {
  return (task: SettledTask): NewHistoryEvent[] => [
    {
      consumerId: task.consumerId,
      type,
      eventTime: task.settleTime,
      taskId: task.id,
      detailsJson: JSON.stringify({
        packages: (task.arguments.packages as string[] | undefined) ?? [],
        dry_run: task.arguments.dry_run === true,
        ...(task.result && typeof task.result === 'object' && 'changed' in (task.result as object) ? { changed: (task.result as { changed: unknown }).changed } : {}),
      }),
    },
  ];
}

/** The methods every server knows: packages.* write consumer history on success. */
export function builtinMethods(): MethodRegistry {
  return new MethodRegistry()
    .register('packages.install', { validateArguments: (a) => packagesArgument(a, true), onSuccess: packagesHistory('packages_installed') })
    .register('packages.update', { validateArguments: (a) => packagesArgument(a, false), onSuccess: packagesHistory('packages_updated') })
    .register('packages.uninstall', { validateArguments: (a) => packagesArgument(a, true), onSuccess: packagesHistory('packages_uninstalled') });
}
