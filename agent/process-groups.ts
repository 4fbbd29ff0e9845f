import fs from 'node:fs';

/**
 * Finding and stopping the process group of a task that was running when
 * the agent died (Linux /proc). A command runs in its own process group
 * (agent/plugins/run-command.ts), whose id the journal records with what
 * tells it apart from a later group that reuses the number: the boot it
 * lives in and its leader's start time.
 */
export interface ProcessGroupRecord {
  pgid: number;
  /** /proc/sys/kernel/random/boot_id when it started (null: unknown). */
  bootId: string | null;
  /** Its leader's start time, in clock ticks after boot (/proc/<pid>/stat field 22; null: unknown). */
  leaderStart: number | null;
}

/** What the agent found and did about one recorded group. */
export interface GroupStop {
  pgid: number;
  outcome:
    /** No process of it is left (or it belonged to an earlier boot). */
    | 'gone'
    /** Its processes ended after SIGTERM. */
    | 'stopped'
    /** Its processes ended only after SIGKILL. */
    | 'killed'
    /** Some survived SIGKILL (e.g. stuck in the kernel). */
    | 'still_running'
    /** The number now belongs to another group: left alone. */
    | 'not_ours'
    /** No /proc to check with: left alone. */
    | 'unverifiable';
  /** Its processes found alive, before anything was sent. */
  processes: number;
}

interface ProcStat {
  pgrp: number;
  state: string;
  start: number;
}

const PROC = '/proc';

function hasProc(): boolean {
  return fs.existsSync(`${PROC}/self/stat`);
}

export function readBootId(): string | null {
  try {
    return fs.readFileSync(`${PROC}/sys/kernel/random/boot_id`, 'utf8').trim();
  } catch {
    return null;
  }
}

function statOf(pid: number): ProcStat | null {
  let text: string;
  try {
    text = fs.readFileSync(`${PROC}/${pid}/stat`, 'utf8');
  } catch {
    return null;
  }
  // "pid (comm) state ppid pgrp ...": comm may hold spaces and parentheses, so split after the last ')'.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return { state: fields[0], pgrp: Number(fields[2]), start: Number(fields[19]) };
}

/** The record of a group just started by this agent (its leader is `pgid`). */
export function recordGroup(pgid: number): ProcessGroupRecord {
  return { pgid, bootId: readBootId(), leaderStart: statOf(pgid)?.start ?? null };
}

/** Live (not zombie) processes of group `pgid`, with their start times. */
function membersOf(pgid: number): Array<{ pid: number; start: number }> {
  const members: Array<{ pid: number; start: number }> = [];
  for (const name of fs.readdirSync(PROC)) {
    if (!/^\d+$/.test(name)) continue;
    const stat = statOf(Number(name));
    if (stat && stat.pgrp === pgid && stat.state !== 'Z' && stat.state !== 'X') members.push({ pid: Number(name), start: stat.start });
  }
  return members;
}

/**
 * Whether the group now numbered `record.pgid` is the recorded one. Linux
 * does not reuse a number while a group of it has members, so a live group
 * of that number is ours unless it is of another boot, or its leader (or a
 * member) started before ours did.
 */
function identify(record: ProcessGroupRecord): { verdict: 'ours' | 'gone' | 'not_ours' | 'unverifiable'; processes: number } {
  if (!hasProc()) return { verdict: 'unverifiable', processes: 0 };
  const boot = readBootId();
  if (record.bootId && boot && record.bootId !== boot) return { verdict: 'gone', processes: 0 };
  const members = membersOf(record.pgid);
  if (members.length === 0) return { verdict: 'gone', processes: 0 };
  if (record.leaderStart !== null) {
    const leader = members.find((m) => m.pid === record.pgid);
    if (leader && leader.start !== record.leaderStart) return { verdict: 'not_ours', processes: members.length };
    if (members.some((m) => m.start < record.leaderStart!)) return { verdict: 'not_ours', processes: members.length };
  }
  return { verdict: 'ours', processes: members.length };
}

function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // ESRCH: nothing left to signal.
  }
}

async function emptiedWithin(pgid: number, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  for (;;) {
    if (membersOf(pgid).length === 0) return true;
    if (Date.now() >= deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Stops what is left of a recorded group: SIGTERM, then SIGKILL after `graceMs`. */
export async function stopGroup(record: ProcessGroupRecord, graceMs = 5_000): Promise<GroupStop> {
  const { verdict, processes } = identify(record);
  if (verdict !== 'ours') return { pgid: record.pgid, outcome: verdict, processes };
  signalGroup(record.pgid, 'SIGTERM');
  if (await emptiedWithin(record.pgid, graceMs)) return { pgid: record.pgid, outcome: 'stopped', processes };
  signalGroup(record.pgid, 'SIGKILL');
  return { pgid: record.pgid, outcome: (await emptiedWithin(record.pgid, 2_000)) ? 'killed' : 'still_running', processes };
}
