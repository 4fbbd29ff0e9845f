import fs from 'node:fs';
import { TaskFailure, type PluginClass, type TaskContext } from '../plugin-api';
import { runCommand } from './run-command';

/**
 * packages.install / update / uninstall / list over the host's own package
 * manager: apt-get and dpkg on Debian-like hosts, dnf and rpm on RPM hosts.
 * With {"dry_run": true} the package manager only simulates (apt-get -s,
 * dnf --assumeno), so the real tool is exercised without changing the host.
 * The result says what was asked ("requested") apart from what the package
 * manager changed, or would have ("changed", read from its output): an
 * already-installed package asked for is not a change.
 */
type Backend = 'apt' | 'dnf';

function detectBackend(): Backend | null {
  if (fs.existsSync('/usr/bin/apt-get')) return 'apt';
  if (fs.existsSync('/usr/bin/dnf')) return 'dnf';
  return null;
}

export interface PackageChange {
  package: string;
  action: 'install' | 'upgrade' | 'downgrade' | 'remove';
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
export function parseAptPlan(output: string): PackageChange[] {
  const changes: PackageChange[] = [];
  for (const line of output.split('\n')) {
    const m = /^(Inst|Remv) (\S+)(?: \[([^\]]+)\])?(?: \((\S+))?/.exec(line);
    if (!m) continue;
    if (m[1] === 'Remv') changes.push(defined({ package: m[2], action: 'remove', from: m[3] }));
    else changes.push(defined({ package: m[2], action: m[3] ? 'upgrade' : 'install', from: m[3], to: m[4] }));
  }
  return changes;
}

/**
 * What a real apt-get run changed, from dpkg's lines: "Unpacking pkg (new)
 * over (old) ...", "Unpacking pkg (new) ...", "Removing pkg (old) ...".
 */
export function parseDpkgRun(output: string): PackageChange[] {
  const changes: PackageChange[] = [];
  for (const line of output.split('\n')) {
    const unpack = /^Unpacking (\S+) \(([^)]+)\)(?: over \(([^)]+)\))?/.exec(line);
    if (unpack) changes.push(defined({ package: withoutArch(unpack[1]), action: unpack[3] ? 'upgrade' : 'install', from: unpack[3], to: unpack[2] }));
    const remove = /^Removing (\S+) \(([^)]+)\)/.exec(line);
    if (remove) changes.push({ package: withoutArch(remove[1]), action: 'remove', from: remove[2] });
  }
  return changes;
}

const DNF_SECTIONS: Record<string, PackageChange['action']> = { Installing: 'install', Reinstalling: 'install', Upgrading: 'upgrade', Downgrading: 'downgrade', Removing: 'remove' };

/**
 * dnf prints its transaction as a table, the same for a real run and for
 * --assumeno: sections ("Installing:", "Upgrading:", "Removing:", ...,
 * "Installing dependencies:") of " name arch version repo size" rows, a
 * long name wrapped onto a line of its own.
 */
export function parseDnfTransaction(output: string): PackageChange[] {
  const changes: PackageChange[] = [];
  let action: PackageChange['action'] | null = null;
  let carried = '';
  for (const line of output.split('\n')) {
    const section = /^(Installing|Reinstalling|Upgrading|Downgrading|Removing)\b[^:]*:\s*$/.exec(line);
    if (section) {
      action = DNF_SECTIONS[section[1]];
      carried = '';
      continue;
    }
    if (!line.startsWith(' ')) {
      action = null; // a line at the margin ("Transaction Summary", "=====") ends the section
      continue;
    }
    if (!action) continue;
    const cells = (carried + line).trim().split(/\s+/);
    if (cells.length === 1) {
      carried = `${cells[0]} `;
      continue;
    }
    carried = '';
    if (cells.length < 4 || cells[0].startsWith('replacing')) continue;
    const [name, , version] = cells;
    changes.push(action === 'remove' ? { package: name, action, from: version } : { package: name, action, to: version });
  }
  return changes;
}

function withoutArch(name: string): string {
  return name.replace(/:[a-z0-9]+$/, '');
}

/** Drops the keys whose value is undefined, so results and history stay small. */
function defined(change: PackageChange): PackageChange {
  return Object.fromEntries(Object.entries(change).filter(([, v]) => v !== undefined)) as unknown as PackageChange;
}

async function apt(ctx: TaskContext, verb: 'install' | 'upgrade' | 'remove', packages: string[]): Promise<unknown> {
  const dryRun = ctx.args.dry_run === true;
  const args = ['-y', '-q', ...(dryRun ? ['-s'] : []), verb === 'upgrade' && packages.length ? 'install' : verb, ...(verb === 'upgrade' && packages.length ? ['--only-upgrade'] : []), '--', ...packages];
  ctx.progress(10, `apt-get ${args.join(' ')}`);
  const result = await runCommand('apt-get', args, { signal: ctx.signal, env: { DEBIAN_FRONTEND: 'noninteractive' }, onProcessGroup: ctx.trackProcessGroup });
  if (ctx.signal.aborted) throw new TaskFailure('Canceled', 'canceled while the package manager ran');
  if (result.code !== 0) {
    const missing = /Unable to locate package (\S+)/.exec(result.stderr);
    if (missing) throw new TaskFailure('PackageNotFound', `no package named ${missing[1]}`, { stderr: result.stderr.slice(-4000) });
    throw new TaskFailure('PackageManagerError', `apt-get exited with ${result.code ?? result.signal}`, { stderr: result.stderr.slice(-4000) });
  }
  ctx.progress(100, 'done');
  return { dry_run: dryRun, backend: 'apt', requested: packages, changed: dryRun ? parseAptPlan(result.stdout) : parseDpkgRun(result.stdout) };
}

async function dnf(ctx: TaskContext, verb: 'install' | 'upgrade' | 'remove', packages: string[]): Promise<unknown> {
  const dryRun = ctx.args.dry_run === true;
  const args = [dryRun ? '--assumeno' : '-y', verb, ...packages];
  ctx.progress(10, `dnf ${args.join(' ')}`);
  const result = await runCommand('dnf', args, { signal: ctx.signal, onProcessGroup: ctx.trackProcessGroup });
  if (ctx.signal.aborted) throw new TaskFailure('Canceled', 'canceled while the package manager ran');
  // --assumeno makes dnf exit 1 after printing its plan: that is success for a dry run.
  if (result.code !== 0 && !(dryRun && result.code === 1 && /Operation aborted|Transaction Summary/.test(result.stdout + result.stderr))) {
    const missing = /No match for argument: (\S+)/.exec(result.stdout + result.stderr);
    if (missing) throw new TaskFailure('PackageNotFound', `no package named ${missing[1]}`);
    throw new TaskFailure('PackageManagerError', `dnf exited with ${result.code ?? result.signal}`, { stderr: result.stderr.slice(-4000) });
  }
  ctx.progress(100, 'done');
  return { dry_run: dryRun, backend: 'dnf', requested: packages, changed: parseDnfTransaction(result.stdout) };
}

async function listInstalled(ctx: TaskContext, backend: Backend): Promise<unknown> {
  const filter = packagesOf(ctx, false);
  const result =
    backend === 'apt'
      ? await runCommand('dpkg-query', ['-W', '-f=${Package}\t${Version}\t${db:Status-Abbrev}\n', ...filter], { signal: ctx.signal, onProcessGroup: ctx.trackProcessGroup })
      : await runCommand('rpm', ['-q', '--qf', '%{NAME}\t%{VERSION}-%{RELEASE}\tii \n', ...(filter.length ? filter : ['-a'])], { signal: ctx.signal, onProcessGroup: ctx.trackProcessGroup });
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
