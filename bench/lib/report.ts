/** The results table (terminal and Markdown) and the machine it ran on. */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import type { Check } from './checks.js';
import type { Row, ScenarioResult } from './context.js';
import { round } from './stats.js';

export interface Machine {
  readonly cores: number;
  readonly memoryGb: number;
  readonly cpuModel: string;
  readonly node: string;
  readonly postgres?: string;
  readonly loadavgStart: number[];
  readonly loadavgEnd?: number[];
  readonly commit?: string;
}

export function machine(): Machine {
  let cpuModel = os.cpus()[0]?.model ?? 'unknown';
  try {
    const m = /^model name\s*:\s*(.+)$/m.exec(fs.readFileSync('/proc/cpuinfo', 'utf8'));
    if (m) cpuModel = m[1]!.trim();
  } catch {
    // not Linux
  }
  let commit: string | undefined;
  try {
    commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    commit = undefined;
  }
  return {
    cores: os.cpus().length,
    memoryGb: round(os.totalmem() / 2 ** 30, 1),
    cpuModel,
    node: process.version,
    loadavgStart: os.loadavg().map((x) => round(x)),
    commit,
  };
}

const fmt = (x: number | undefined, digits = 1) => (x === undefined || !Number.isFinite(x) ? '' : x.toFixed(digits));
const pct = (x: number | undefined) => (x === undefined ? '' : `${Math.round(x * 100)}%`);

const COLUMNS = [
  'scenario',
  'variant',
  'target',
  'clients',
  'requests',
  'req/s',
  'p50 ms',
  'p99 ms',
  'max ms',
  'decided ms',
  'vs db',
  'RSS MB',
  'cores p/pg/r',
  'cpu ms/req p/pg',
];

/** CPU milliseconds per request, of the platform and of PostgreSQL: what a request costs, whatever the machine's load. */
function cpuPerRequest(r: Row): string {
  if (r.cpu === undefined || !(r.throughput > 0)) return '';
  return `${fmt((r.cpu.platform / r.throughput) * 1000, 2)}/${fmt((r.cpu.postgres / r.throughput) * 1000, 2)}`;
}

function cells(r: Row): string[] {
  return [
    r.scenario,
    r.variant,
    r.target,
    String(r.clients),
    String(r.requests),
    fmt(r.throughput),
    fmt(r.latency.p50, 2),
    fmt(r.latency.p99, 2),
    fmt(r.latency.max, 1),
    fmt(r.decidedMs, 0),
    pct(r.ratio),
    r.rss ? fmt(r.rss.peakMb, 0) : '',
    r.cpu ? `${fmt(r.cpu.platform, 2)}/${fmt(r.cpu.postgres, 2)}/${fmt(r.cpu.runner, 2)}` : '',
    cpuPerRequest(r),
  ];
}

export function textTable(rows: readonly Row[]): string {
  const data = [COLUMNS, ...rows.map(cells)];
  const widths = COLUMNS.map((_, c) => Math.max(...data.map((row) => row[c]!.length)));
  const numeric = (c: number) => c >= 3;
  return data
    .map((row, i) => {
      const line = row.map((cell, c) => (numeric(c) ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!))).join('  ');
      return i === 0 ? `${line}\n${widths.map((w) => '-'.repeat(w)).join('  ')}` : line;
    })
    .join('\n');
}

export function markdownTable(rows: readonly Row[]): string {
  const head = `| ${COLUMNS.join(' | ')} |\n| ${COLUMNS.map((_, c) => (c >= 3 ? '---:' : '---')).join(' | ')} |`;
  return [head, ...rows.map((r) => `| ${cells(r).join(' | ')} |`)].join('\n');
}

export function checksText(checks: readonly Check[]): string {
  return checks.map((c) => `${c.ok ? 'ok  ' : c.kind === 'exactness' ? 'FAIL' : 'WARN'}  ${c.name} — ${c.detail}`).join('\n');
}

export function allRows(results: readonly ScenarioResult[]): Row[] {
  return results.flatMap((r) => r.rows);
}
