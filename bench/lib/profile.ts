/**
 * Summarises a V8 CPU profile (`node --cpu-prof`) of the platform: where the time went, by package or
 * source file and by function (self time), as shares of the time the process was not idle.
 */
import fs from 'node:fs';
import { round } from './stats.js';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

export interface ProfileSummary {
  readonly file: string;
  readonly seconds: number;
  readonly busySeconds: number;
  readonly byArea: { area: string; share: number }[];
  /** Self time of native code and node internals charged to the package or source file that called it. */
  readonly byCaller: { area: string; share: number }[];
  readonly byFunction: { fn: string; share: number }[];
}

function areaOf(url: string, fn: string): string {
  if (url === '') return fn.startsWith('(') ? fn : '(native)';
  if (url.startsWith('node:')) return 'node internals';
  const nm = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url);
  if (nm) return nm[1]!;
  const src = /\/(src\/.+)$/.exec(url);
  if (src) return src[1]!.replace(/\/[^/]+$/, '/');
  return url.replace(/^file:\/\//, '');
}

export function summarizeProfile(file: string, top = 25): ProfileSummary {
  const profile = JSON.parse(fs.readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const isCode = (area: string) => !area.startsWith('(') && area !== 'node internals';
  const callerOf = (id: number): string => {
    const own = areaOf(byId.get(id)!.callFrame.url, byId.get(id)!.callFrame.functionName);
    if (own === '(garbage collector)' || own === '(program)') return own;
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const f = byId.get(cur)!.callFrame;
      const area = areaOf(f.url, f.functionName);
      if (isCode(area)) return area;
    }
    return own;
  };
  const callers = new Map<string, number>();
  const selfUs = new Map<number, number>();
  profile.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const areas = new Map<string, number>();
  const fns = new Map<string, number>();
  let busy = 0;
  for (const [id, us] of selfUs) {
    const node = byId.get(id);
    if (node === undefined) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    if (functionName === '(idle)') continue;
    busy += us;
    const area = areaOf(url, functionName);
    areas.set(area, (areas.get(area) ?? 0) + us);
    const caller = callerOf(id);
    callers.set(caller, (callers.get(caller) ?? 0) + us);
    const name =
      `${functionName || '(anonymous)'} ${url ? `${areaOf(url, functionName)}${url.split('/').at(-1)}:${lineNumber + 1}` : ''}`.trim();
    fns.set(name, (fns.get(name) ?? 0) + us);
  }
  const ranked = (m: Map<string, number>) =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([k, us]) => ({ k, share: round(us / busy, 4) }));
  return {
    file,
    seconds: round((profile.endTime - profile.startTime) / 1e6, 1),
    busySeconds: round(busy / 1e6, 1),
    byArea: ranked(areas).map(({ k, share }) => ({ area: k, share })),
    byCaller: ranked(callers).map(({ k, share }) => ({ area: k, share })),
    byFunction: ranked(fns).map(({ k, share }) => ({ fn: k, share })),
  };
}

export function profileText(s: ProfileSummary): string {
  const lines = [`CPU profile ${s.file}: ${s.busySeconds} s busy of ${s.seconds} s`, '  by area (self time, share of busy time):'];
  for (const a of s.byArea.slice(0, 15)) lines.push(`    ${(a.share * 100).toFixed(1).padStart(5)}%  ${a.area}`);
  lines.push('  by caller (native code and node internals charged to the package or source file that called them):');
  for (const a of s.byCaller.slice(0, 15)) lines.push(`    ${(a.share * 100).toFixed(1).padStart(5)}%  ${a.area}`);
  lines.push('  by function:');
  for (const f of s.byFunction.slice(0, 20)) lines.push(`    ${(f.share * 100).toFixed(1).padStart(5)}%  ${f.fn}`);
  return lines.join('\n');
}
