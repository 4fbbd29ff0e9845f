import fs from 'node:fs';
import { TaskFailure, type PluginClass, type TaskContext } from '../plugin-api';
import { runCommand } from './run-command';

/**
 * packages.install / update / uninstall / list over the host's own package
 * manager: apt-get and dpkg on Debian-like hosts, dnf and rpm on RPM hosts.
 * With {"dry_run": true} the package manager only simulates (apt-get -s,
 * dnf --assumeno), so the real tool is exercised without changing the host.
 */
type Backend = 'apt' | 'dnf';

function detectBackend(): Backend | null {
  if (fs.existsSync('/usr/bin/apt-get')) return 'apt';
  if (fs.existsSync('/usr/bin/dnf')) return 'dnf';
  return null;
}

interface PackageChange {
  package: string;
  action: 'install' | 'upgrade' | 'remove';
  from?: string;
  to?: string;
}

function packagesOf(ctx: TaskContext, required: boolean): string[] {
  const packages = ctx.args.packages ?? [];
  if (!Array.isArray(packages) || packages.some((p) => typeof p !== 'string' || p.startsWith('-')) || (required && packages.length === 0)) {
    throw new TaskFailure('InvalidArguments', 'packages must be an array of package names');
  }
  return packages as string[];
}

/** apt-get -s prints "Inst pkg [old] (new ...)" and "Remv pkg [old]" for what it would do. */
function parseAptPlan(output: string): PackageChange[] {
  const changes: PackageChange[] = [];
  for (const line of output.split('\n')) {
    const m = /^(Inst|Remv) (\S+)(?: \[([^\]]+)\])?(?: \((\S+))?/.exec(line);
    if (!m) continue;
    if (m[1] === 'Remv') changes.push({ package: m[2], action: 'remove', from: m[3] });
    else changes.push({ package: m[2], action: m[3] ? 'upgrade' : 'install', from: m[3], to: m[4] });
  }
  return changes;
}

async function apt(ctx: TaskContext, verb: 'install' | 'upgrade' | 'remove', packages: string[]): Promise<unknown> {
  const dryRun = ctx.args.dry_run === true;
  const args = ['-y', '-q', ...(dryRun ? ['-s'] : []), verb === 'upgrade' && packages.length ? 'install' : verb, ...(verb === 'upgrade' && packages.length ? ['--only-upgrade'] : []), '--', ...packages];
  ctx.progress(10, `apt-get ${args.join(' ')}`);
  const result = await runCommand('apt-get', args, ctx.signal, { DEBIAN_FRONTEND: 'noninteractive' });
  if (ctx.signal.aborted) throw new TaskFailure('Canceled', 'canceled while the package manager ran');
  if (result.code !== 0) {
    const missing = /Unable to locate package (\S+)/.exec(result.stderr);
    if (missing) throw new TaskFailure('PackageNotFound', `no package named ${missing[1]}`, { stderr: result.stderr.slice(-4000) });
    throw new TaskFailure('PackageManagerError', `apt-get exited with ${result.code}`, { stderr: result.stderr.slice(-4000) });
  }
  ctx.progress(100, 'done');
  return { dry_run: dryRun, backend: 'apt', changed: parseAptPlan(result.stdout) };
}

async function dnf(ctx: TaskContext, verb: 'install' | 'upgrade' | 'remove', packages: string[]): Promise<unknown> {
  const dryRun = ctx.args.dry_run === true;
  const args = [dryRun ? '--assumeno' : '-y', verb, ...packages];
  ctx.progress(10, `dnf ${args.join(' ')}`);
  const result = await runCommand('dnf', args, ctx.signal);
  if (ctx.signal.aborted) throw new TaskFailure('Canceled', 'canceled while the package manager ran');
  // --assumeno makes dnf exit 1 after printing its plan: that is success for a dry run.
  if (result.code !== 0 && !(dryRun && result.code === 1 && /Operation aborted|Transaction Summary/.test(result.stdout + result.stderr))) {
    const missing = /No match for argument: (\S+)/.exec(result.stdout + result.stderr);
    if (missing) throw new TaskFailure('PackageNotFound', `no package named ${missing[1]}`);
    throw new TaskFailure('PackageManagerError', `dnf exited with ${result.code}`, { stderr: result.stderr.slice(-4000) });
  }
  ctx.progress(100, 'done');
  return { dry_run: dryRun, backend: 'dnf', output: result.stdout.slice(-4000) };
}

async function listInstalled(ctx: TaskContext, backend: Backend): Promise<unknown> {
  const filter = packagesOf(ctx, false);
  const result =
    backend === 'apt'
      ? await runCommand('dpkg-query', ['-W', '-f=${Package}\t${Version}\t${db:Status-Abbrev}\n', ...filter], ctx.signal)
      : await runCommand('rpm', ['-q', '--qf', '%{NAME}\t%{VERSION}-%{RELEASE}\tii \n', ...(filter.length ? filter : ['-a'])], ctx.signal);
  const packages = result.stdout
    .split('\n')
    .map((line) => line.split('\t'))
    .filter(([name, version, status]) => name && version && status?.startsWith('ii'))
    .map(([name, version]) => ({ name, version }));
  return { packages };
}

export function packagesPlugin(): PluginClass {
  const backend = detectBackend();
  const run = (verb: 'install' | 'upgrade' | 'remove', required: boolean) => async (ctx: TaskContext) => {
    if (!backend) throw new TaskFailure('UnsupportedHost', 'no supported package manager (apt-get or dnf) on this host');
    const packages = packagesOf(ctx, required);
    return backend === 'apt' ? apt(ctx, verb, packages) : dnf(ctx, verb, packages);
  };
  return {
    install: run('install', true),
    update: run('upgrade', false),
    uninstall: run('remove', true),
    list: {
      rerunSafe: true,
      run: async (ctx) => {
        if (!backend) throw new TaskFailure('UnsupportedHost', 'no supported package manager (dpkg or rpm) on this host');
        return listInstalled(ctx, backend);
      },
    },
  };
}
