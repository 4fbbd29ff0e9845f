import { execFileSync } from 'node:child_process';
import fs from 'node:fs';

/**
 * CPU and memory of processes, read from /proc (Linux): user+system CPU
 * seconds from /proc/<pid>/stat, resident memory from /proc/<pid>/status.
 */

let clockTicks: number | null = null;

/** Clock ticks per second of /proc/<pid>/stat times (getconf CLK_TCK, almost always 100). */
export function clockTicksPerSecond(): number {
  if (clockTicks === null) {
    try {
      clockTicks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      clockTicks = 100;
    }
  }
  return clockTicks;
}

/** User + system CPU seconds the process has used so far, or null if it is gone. */
export function cpuSeconds(pid: number): number | null {
  const t = cpuTimes(pid);
  return t ? t.user + t.system : null;
}

/** User and system CPU seconds the process has used so far, or null if it is gone. */
export function cpuTimes(pid: number): { user: number; system: number } | null {
  let text: string;
  try {
    text = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null;
  }
  // The command name (field 2) may contain spaces and parentheses: split after the last ')'.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  // fields[0] is field 3 (state); utime is field 14, stime field 15.
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  return { user: utime / clockTicksPerSecond(), system: stime / clockTicksPerSecond() };
}

export interface MemoryKb {
  /** Resident set size now. */
  rssKb: number;
  /** Peak resident set size over the process's life ("high water mark"). */
  hwmKb: number;
}

export function memoryKb(pid: number): MemoryKb | null {
  let text: string;
  try {
    text = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return null;
  }
  const field = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? 0);
  return { rssKb: field('VmRSS'), hwmKb: field('VmHWM') };
}

/** The pid of the local MySQL/MariaDB server, if one is visible in /proc (for its CPU share only). */
export function findDatabasePid(): number | null {
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const comm = fs.readFileSync(`/proc/${entry}/comm`, 'utf8').trim();
      if (comm === 'mariadbd' || comm === 'mysqld') return Number(entry);
    } catch {
      // gone meanwhile
    }
  }
  return null;
}

export interface ProcessUsage {
  /** CPU seconds (user + system) used during the interval. */
  cpuSeconds: number;
  /** cpuSeconds / wall seconds * 100: 100 means one core busy the whole time. */
  cpuPercentOfOneCore: number;
  /** The part of cpuSeconds spent in the kernel (system calls: sockets, fsync). */
  systemSeconds: number;
  /** Highest VmRSS seen by the sampler during the interval. */
  peakRssMb: number;
  /** VmHWM at the end of the interval: the peak over the process's whole life so far. */
  lifetimePeakRssMb: number;
}

interface Watched {
  name: string;
  pid: number;
  cpuAtStart: number;
  sysAtStart: number;
  peakRssKb: number;
}

/**
 * Measures processes over an interval: CPU from the difference of /proc
 * times, peak RSS from sampling VmRSS every `sampleMs` (plus VmHWM at the end).
 */
export class UsageMeter {
  private readonly watched: Watched[];
  private readonly startedAt = performance.now();
  private readonly timer: NodeJS.Timeout;

  constructor(processes: Record<string, number | null>, sampleMs = 200) {
    this.watched = Object.entries(processes)
      .filter((e): e is [string, number] => e[1] !== null)
      .map(([name, pid]) => ({ name, pid, cpuAtStart: cpuSeconds(pid) ?? 0, sysAtStart: cpuTimes(pid)?.system ?? 0, peakRssKb: memoryKb(pid)?.rssKb ?? 0 }));
    this.timer = setInterval(() => this.sample(), sampleMs);
    this.timer.unref();
  }

  private sample(): void {
    for (const w of this.watched) {
      const m = memoryKb(w.pid);
      if (m) w.peakRssKb = Math.max(w.peakRssKb, m.rssKb);
    }
  }

  stop(): Record<string, ProcessUsage> {
    clearInterval(this.timer);
    this.sample();
    const wallS = (performance.now() - this.startedAt) / 1000;
    const out: Record<string, ProcessUsage> = {};
    for (const w of this.watched) {
      const cpu = (cpuSeconds(w.pid) ?? w.cpuAtStart) - w.cpuAtStart;
      out[w.name] = {
        cpuSeconds: round(cpu, 2),
        cpuPercentOfOneCore: round((cpu / wallS) * 100, 1),
        systemSeconds: round((cpuTimes(w.pid)?.system ?? w.sysAtStart) - w.sysAtStart, 2),
        peakRssMb: round(w.peakRssKb / 1024, 1),
        lifetimePeakRssMb: round((memoryKb(w.pid)?.hwmKb ?? 0) / 1024, 1),
      };
    }
    return out;
  }
}

export function round(n: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}
