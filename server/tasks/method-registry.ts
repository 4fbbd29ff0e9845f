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
  /**
   * History events to record when the agent reports success: when the task
   * SUCCEEDED, or later as the late outcome of a task that had ended
   * without it (`late`). Written exactly once per task.
   */
  onSuccess?(task: SettledTask): NewHistoryEvent[];
}

export interface SettledTask {
  id: string;
  consumerId: string;
  method: string;
  arguments: Record<string, unknown>;
  result: unknown;
  settleTime: number;
  /** The report came after the task had ended (a late outcome). */
  late: boolean;
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

/** One change a package manager made (or would make), as the agent reports it in result.changed. */
interface PackageChange {
  package: string;
  action?: string;
  from?: string;
  to?: string;
}

/** result.changed as a list of changes, or null when the agent did not say (an entry may be a bare package name). */
function reportedChanges(result: unknown): PackageChange[] | null {
  const changed = result && typeof result === 'object' ? (result as { changed?: unknown }).changed : undefined;
  if (!Array.isArray(changed)) return null;
  return changed.flatMap((c): PackageChange[] => {
    if (typeof c === 'string') return [{ package: c }];
    if (c && typeof c === 'object' && typeof (c as PackageChange).package === 'string') {
      const { package: name, action, from, to } = c as PackageChange;
      return [{ package: name, ...(typeof action === 'string' ? { action } : {}), ...(typeof from === 'string' ? { from } : {}), ...(typeof to === 'string' ? { to } : {}) }];
    }
    return [];
  });
}

/**
 * History of a packages.* task: what the package manager changed, as the
 * agent reported it ("packages", "changed"), apart from what was asked
 * ("requested"). A dry run changed nothing: it is recorded as
 * packages_simulated, never as a change.
 */
function packagesHistory(type: string) {
  return (task: SettledTask): NewHistoryEvent[] => {
    const dryRun = task.arguments.dry_run === true;
    const changes = reportedChanges(task.result);
    return [
      {
        consumerId: task.consumerId,
        type: dryRun ? 'packages_simulated' : type,
        eventTime: task.settleTime,
        taskId: task.id,
        detailsJson: JSON.stringify({
          method: task.method,
          requested: (task.arguments.packages as string[] | undefined) ?? [],
          ...(changes ? { packages: [...new Set(changes.map((c) => c.package))], changed: changes } : {}),
          dry_run: dryRun,
          ...(task.late ? { late: true } : {}),
        }),
      },
    ];
  };
}

/** The methods every server knows: packages.* write consumer history on success (packages_simulated for a dry run). */
export function builtinMethods(): MethodRegistry {
  return new MethodRegistry()
    .register('packages.install', { validateArguments: (a) => packagesArgument(a, true), onSuccess: packagesHistory('packages_installed') })
    .register('packages.update', { validateArguments: (a) => packagesArgument(a, false), onSuccess: packagesHistory('packages_updated') })
    .register('packages.uninstall', { validateArguments: (a) => packagesArgument(a, true), onSuccess: packagesHistory('packages_uninstalled') });
}
