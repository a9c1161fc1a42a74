/**
 * Summarizes a V8 .cpuprofile (node --cpu-prof): self time by function, and self and inclusive
 * time by area (a package under node_modules, a directory of the app, node core, GC).
 *
 *   node -r ts-node/register/transpile-only bench/lib/cpu-profile-summary.ts <file.cpuprofile> [top]
 */
import { readFileSync } from 'node:fs';

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

/** Samples outside [fromUs, toUs] (CLOCK_MONOTONIC µs, as process.hrtime) are skipped. */
export interface SampleWindow {
  fromUs: number;
  toUs: number;
}

/** Node core, native code and V8 pseudo-frames: their time is charged to the JS that called them. */
function isRuntime(area: string): boolean {
  return area.startsWith('node:') || area === 'native' || area === '(program)' || area === '(root)';
}

export interface ProfileSummary {
  totalMs: number;
  idleMs: number;
  /**
   * Busy time charged to the innermost frame that is not node core or native code: the package
   * or app directory (and function) that caused it, across http writes, crypto, promise hooks.
   */
  owners: Array<{ area: string; pct: number }>;
  ownerFunctions: Array<{ name: string; area: string; pct: number }>;
  functions: Array<{ name: string; area: string; selfMs: number; selfPct: number }>;
  areas: Array<{ area: string; selfMs: number; selfPct: number; inclusivePct: number }>;
  /** Inclusive share of chosen frames (by function name), for "how much is under X". */
  frames: Array<{ name: string; inclusivePct: number }>;
}

/** Which part of the program a frame belongs to. */
export function areaOf(frame: CallFrame): string {
  const { url, functionName } = frame;
  if (!url) {
    return functionName.startsWith('(') ? functionName : 'native';
  }
  if (url.startsWith('node:')) {
    return `node:${url.replace(/^node:(internal\/)?/, '').split('/')[0]}`;
  }
  const nm = url.lastIndexOf('/node_modules/');
  if (nm >= 0) {
    const rest = url.slice(nm + '/node_modules/'.length).split('/');
    return rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
  }
  const dist = url.indexOf('/dist/');
  if (dist >= 0) {
    const parts = url.slice(dist + '/dist/'.length).split('/');
    return `app: ${parts.length > 2 ? parts.slice(0, 2).join('/') : parts[0]}`;
  }
  return url.replace(/^file:\/\//, '');
}

function shortUrl(url: string): string {
  const nm = url.lastIndexOf('/node_modules/');
  if (nm >= 0) {
    return url.slice(nm + '/node_modules/'.length);
  }
  const dist = url.indexOf('/dist/');
  return dist >= 0 ? url.slice(dist + 1) : url.replace(/^file:\/\//, '');
}

export function summarize(
  profile: CpuProfile,
  top = 25,
  watch: readonly string[] = [],
  window?: SampleWindow,
): ProfileSummary {
  const byId = new Map<number, ProfileNode>();
  const parent = new Map<number, number>();
  for (const node of profile.nodes) {
    byId.set(node.id, node);
    for (const child of node.children ?? []) {
      parent.set(child, node.id);
    }
  }
  const selfByFn = new Map<string, { name: string; area: string; us: number }>();
  const selfByArea = new Map<string, number>();
  const inclByArea = new Map<string, number>();
  const inclByWatch = new Map<string, number>();
  const ownerByArea = new Map<string, number>();
  const ownerByFn = new Map<string, { name: string; area: string; us: number }>();
  let total = 0;
  let idle = 0;
  let at = profile.startTime;
  profile.samples.forEach((id, i) => {
    const delta = profile.timeDeltas[i] ?? 0;
    at += delta;
    const node = byId.get(id);
    if (!node || delta <= 0 || (window && (at < window.fromUs || at > window.toUs))) {
      return;
    }
    total += delta;
    const frame = node.callFrame;
    if (frame.functionName === '(idle)') {
      idle += delta;
    }
    const area = areaOf(frame);
    const key = `${frame.functionName || '(anonymous)'} ${frame.url}:${frame.lineNumber + 1}`;
    const entry = selfByFn.get(key) ?? {
      name: `${frame.functionName || '(anonymous)'}  ${frame.url ? `${shortUrl(frame.url)}:${frame.lineNumber + 1}` : ''}`,
      area,
      us: 0,
    };
    entry.us += delta;
    selfByFn.set(key, entry);
    selfByArea.set(area, (selfByArea.get(area) ?? 0) + delta);
    const areas = new Set<string>();
    const watched = new Set<string>();
    let owner: CallFrame | undefined = isRuntime(area) ? undefined : frame;
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const f = (byId.get(cur) as ProfileNode).callFrame;
      const a = areaOf(f);
      areas.add(a);
      if (!owner && !isRuntime(a)) {
        owner = f;
      }
      for (const w of watch) {
        if (f.functionName === w || `${f.functionName}@${shortUrl(f.url)}`.includes(w)) {
          watched.add(w);
        }
      }
    }
    const ownerFrame = owner ?? frame;
    const ownerArea = areaOf(ownerFrame);
    ownerByArea.set(ownerArea, (ownerByArea.get(ownerArea) ?? 0) + delta);
    const ownerKey = `${ownerFrame.functionName} ${ownerFrame.url}:${ownerFrame.lineNumber}`;
    const o = ownerByFn.get(ownerKey) ?? {
      name: `${ownerFrame.functionName || '(anonymous)'}  ${ownerFrame.url ? `${shortUrl(ownerFrame.url)}:${ownerFrame.lineNumber + 1}` : ''}`,
      area: ownerArea,
      us: 0,
    };
    o.us += delta;
    ownerByFn.set(ownerKey, o);
    areas.forEach((a) => inclByArea.set(a, (inclByArea.get(a) ?? 0) + delta));
    watched.forEach((w) => inclByWatch.set(w, (inclByWatch.get(w) ?? 0) + delta));
  });
  // Percentages are of busy time (idle excluded): where the CPU went while it worked.
  const busy = Math.max(1, total - idle);
  const pct = (us: number) => Math.round((1000 * us) / busy) / 10;
  return {
    totalMs: Math.round(total / 1000),
    idleMs: Math.round(idle / 1000),
    owners: [...ownerByArea.entries()]
      .filter(([a]) => a !== '(idle)')
      .sort((a, b) => b[1] - a[1])
      .map(([area, us]) => ({ area, pct: pct(us) })),
    ownerFunctions: [...ownerByFn.values()]
      .filter((f) => f.area !== '(idle)')
      .sort((a, b) => b.us - a.us)
      .slice(0, top)
      .map((f) => ({ name: f.name, area: f.area, pct: pct(f.us) })),
    functions: [...selfByFn.values()]
      .filter((f) => f.area !== '(idle)')
      .sort((a, b) => b.us - a.us)
      .slice(0, top)
      .map((f) => ({
        name: f.name,
        area: f.area,
        selfMs: Math.round(f.us / 1000),
        selfPct: pct(f.us),
      })),
    areas: [...selfByArea.entries()]
      .filter(([a]) => a !== '(idle)')
      .sort((a, b) => b[1] - a[1])
      .map(([area, us]) => ({
        area,
        selfMs: Math.round(us / 1000),
        selfPct: pct(us),
        inclusivePct: pct(inclByArea.get(area) ?? 0),
      })),
    frames: watch.map((name) => ({ name, inclusivePct: pct(inclByWatch.get(name) ?? 0) })),
  };
}

export function formatSummary(title: string, s: ProfileSummary): string {
  const lines = [
    `${title}: ${s.totalMs} ms sampled, ${s.idleMs} ms idle; percentages are of busy time`,
    '  by owner (node core and native time charged to the package or app code that called it):',
    ...s.owners.slice(0, 14).map((o) => `    ${o.pct.toFixed(1).padStart(5)}%  ${o.area}`),
    '  top owner functions (self + the node core / native time they called):',
    ...s.ownerFunctions.map((f) => `    ${f.pct.toFixed(1).padStart(5)}%  ${f.name}  [${f.area}]`),
    '  by area (self% / inclusive%):',
    ...s.areas
      .slice(0, 18)
      .map(
        (a) =>
          `    ${a.selfPct.toFixed(1).padStart(5)}% / ${a.inclusivePct.toFixed(1).padStart(5)}%  ${a.area}`,
      ),
    '  top functions by self time:',
    ...s.functions.map((f) => `    ${f.selfPct.toFixed(1).padStart(5)}%  ${f.name}  [${f.area}]`),
  ];
  if (s.frames.length > 0) {
    lines.push('  inclusive time under:');
    s.frames.forEach((f) => lines.push(`    ${f.inclusivePct.toFixed(1).padStart(5)}%  ${f.name}`));
  }
  return lines.join('\n');
}

export function summarizeFile(
  file: string,
  top?: number,
  watch?: readonly string[],
  window?: SampleWindow,
): ProfileSummary {
  return summarize(JSON.parse(readFileSync(file, 'utf8')) as CpuProfile, top, watch, window);
}

if (require.main === module) {
  const file = process.argv[2];
  if (!file) {
    process.stderr.write('usage: cpu-profile-summary.ts <file.cpuprofile> [top] [frame...]\n');
    process.exit(2);
  }
  const top = Number(process.argv[3] ?? 25);
  process.stdout.write(`${formatSummary(file, summarizeFile(file, top, process.argv.slice(4)))}\n`);
}
