/**
 * Summarises a V8 .cpuprofile (node --cpu-prof): where the samples were, by
 * function (self and inclusive time) and by module (our source file or npm
 * package).
 *
 *   node dist/bench/profile-summary.js FILE.cpuprofile [--top N]
 */
import fs from 'node:fs';
import path from 'node:path';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
  columnNumber: number;
}

interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface Row {
  name: string;
  ms: number;
  percent: number;
}

export interface ProfileSummary {
  file: string;
  totalMs: number;
  /** Time not spent idle: what the process actually used. */
  busyMs: number;
  selfByFunction: Row[];
  inclusiveByFunction: Row[];
  selfByModule: Row[];
}

const SPECIAL = new Set(['(idle)', '(program)', '(garbage collector)', '(root)']);

/** "file:line" relative to the project or node_modules, without the file:// prefix. */
function location(frame: CallFrame): string {
  if (!frame.url) return '';
  let file = frame.url.replace(/^file:\/\//, '');
  const nm = file.lastIndexOf('/node_modules/');
  if (nm >= 0) file = file.slice(nm + '/node_modules/'.length);
  else {
    const dist = file.lastIndexOf('/dist/');
    if (dist >= 0) file = file.slice(dist + '/dist/'.length);
  }
  return `${file}:${frame.lineNumber + 1}`;
}

function functionKey(frame: CallFrame): string {
  const name = frame.functionName || '(anonymous)';
  if (SPECIAL.has(name)) return name;
  const where = location(frame);
  return where ? `${name} ${where}` : name;
}

/** The npm package (scoped or not), our own top-level source file, node:internal, or a special node. */
function moduleKey(frame: CallFrame): string {
  const name = frame.functionName;
  if (SPECIAL.has(name)) return name;
  const url = frame.url.replace(/^file:\/\//, '');
  if (!url) return '(native / builtin)';
  const nm = url.lastIndexOf('/node_modules/');
  if (nm >= 0) {
    const parts = url.slice(nm + '/node_modules/'.length).split('/');
    return parts[0].startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0];
  }
  if (url.startsWith('node:')) return `node:${url.slice(5).split('/')[0]}`;
  const dist = url.lastIndexOf('/dist/');
  if (dist >= 0) return url.slice(dist + '/dist/'.length).replace(/\.js$/, '.ts');
  return url;
}

export function summariseProfile(file: string, top = 25): ProfileSummary {
  const profile = JSON.parse(fs.readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map<number, ProfileNode>();
  const parent = new Map<number, number>();
  for (const node of profile.nodes) {
    byId.set(node.id, node);
    for (const child of node.children ?? []) parent.set(child, node.id);
  }
  const selfFn = new Map<string, number>();
  const selfMod = new Map<string, number>();
  const inclusive = new Map<string, number>();
  let totalUs = 0;
  let idleUs = 0;
  // timeDeltas[i] is the time before sample i; attribute the interval that
  // follows a sample to that sample (the usual convention: delta i+1).
  for (let i = 0; i < profile.samples.length; i++) {
    const us = profile.timeDeltas[i + 1] ?? 0;
    if (us <= 0) continue;
    const node = byId.get(profile.samples[i]);
    if (!node) continue;
    totalUs += us;
    if (node.callFrame.functionName === '(idle)') {
      idleUs += us;
      continue;
    }
    const fk = functionKey(node.callFrame);
    selfFn.set(fk, (selfFn.get(fk) ?? 0) + us);
    const mk = moduleKey(node.callFrame);
    selfMod.set(mk, (selfMod.get(mk) ?? 0) + us);
    // Inclusive: each distinct function on the stack once (recursion counted once).
    const seen = new Set<string>();
    for (let id: number | undefined = node.id; id !== undefined; id = parent.get(id)) {
      const frame = byId.get(id)!.callFrame;
      if (frame.functionName === '(root)') continue;
      const key = functionKey(frame);
      if (seen.has(key)) continue;
      seen.add(key);
      inclusive.set(key, (inclusive.get(key) ?? 0) + us);
    }
  }
  const busyUs = totalUs - idleUs;
  const rows = (map: Map<string, number>): Row[] =>
    [...map.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, us]) => ({ name, ms: Math.round(us / 1000), percent: busyUs ? Math.round((us / busyUs) * 1000) / 10 : 0 }));
  return {
    file,
    totalMs: Math.round(totalUs / 1000),
    busyMs: Math.round(busyUs / 1000),
    selfByFunction: rows(selfFn),
    inclusiveByFunction: rows(inclusive),
    selfByModule: rows(selfMod),
  };
}

export function formatSummary(s: ProfileSummary, title = path.basename(s.file)): string {
  const lines: string[] = [];
  lines.push(`${title}: ${(s.totalMs / 1000).toFixed(1)} s profiled, ${(s.busyMs / 1000).toFixed(1)} s busy (percentages are of busy time)`);
  const table = (heading: string, rows: Row[]) => {
    lines.push(`  ${heading}`);
    for (const r of rows) lines.push(`    ${r.percent.toFixed(1).padStart(5)}%  ${String(r.ms).padStart(7)} ms  ${r.name}`);
  };
  table('self time by module', s.selfByModule);
  table('self time by function', s.selfByFunction);
  table('inclusive time by function (each function once per sample)', s.inclusiveByFunction);
  return lines.join('\n');
}

if (require.main === module) {
  const args = process.argv.slice(2);
  const topAt = args.indexOf('--top');
  const top = topAt >= 0 ? Number(args.splice(topAt, 2)[1]) : 25;
  if (args.length === 0) {
    process.stderr.write('usage: node dist/bench/profile-summary.js FILE.cpuprofile... [--top N]\n');
    process.exitCode = 2;
  } else {
    for (const file of args) process.stdout.write(`${formatSummary(summariseProfile(file, top))}\n\n`);
  }
}
