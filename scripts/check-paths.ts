/**
 * Fails when a file of the project names a path outside the repository: a relative path that
 * climbs above the repository root, the `shared` folder that sits beside checkouts on the
 * project's own machines, or an absolute path into a home or work folder. A clone in any
 * folder must build, test and benchmark on its own (`npm run check` runs this).
 *
 * Usage: `node -r ts-node/register/transpile-only scripts/check-paths.ts [root]`.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface PathFinding {
  file: string;
  line: number;
  text: string;
  why: string;
}

/** Data copied verbatim from elsewhere: its own text is not ours to police. */
const EXEMPT_PREFIXES = ['test/fixtures/rfc6962-proofs/'];
const TEXT_EXTENSIONS = new Set([
  '.ts',
  '.js',
  '.mjs',
  '.cjs',
  '.json',
  '.md',
  '.yaml',
  '.yml',
  '.sh',
  '.env',
  '.example',
  '',
]);

// Spelled in pieces so that this file does not flag itself.
const SHARED = ['..', 'shared'].join('/');
const ABSOLUTE_ROOTS = ['/work', '/home', '/Users', '/root'].map((p) => `${p}/`);

/** Quoted relative path literals that start with one or more parent steps. */
const RELATIVE_LITERAL = /(['"`])((?:\.\.\/)+[^'"`\s]*)\1/g;

export function findEscapingPaths(root: string, files: readonly string[]): PathFinding[] {
  const findings: PathFinding[] = [];
  for (const file of files) {
    if (EXEMPT_PREFIXES.some((p) => file.startsWith(p))) {
      continue;
    }
    if (!TEXT_EXTENSIONS.has(path.extname(file)) && !file.startsWith('.ci/')) {
      continue;
    }
    const absolute = path.join(root, file);
    let text: string;
    try {
      text = fs.readFileSync(absolute, 'utf8');
    } catch {
      continue; // deleted in the work tree, or not a regular file
    }
    const lines = text.split('\n');
    lines.forEach((lineText, i) => {
      const found = (why: string): void => {
        findings.push({ file, line: i + 1, text: lineText.trim(), why });
      };
      if (lineText.includes(SHARED)) {
        found(`names ${SHARED}, which exists only beside the project's own checkouts`);
        return;
      }
      const absoluteRoot = ABSOLUTE_ROOTS.find((p) => containsPathStart(lineText, p));
      if (absoluteRoot !== undefined) {
        found(`names an absolute path under ${absoluteRoot}`);
        return;
      }
      for (const match of lineText.matchAll(RELATIVE_LITERAL)) {
        const resolved = path.resolve(path.dirname(absolute), match[2]);
        if (path.relative(root, resolved).startsWith('..')) {
          found(`'${match[2]}' from ${file} leaves the repository`);
          return;
        }
      }
    });
  }
  return findings;
}

/** True when `prefix` starts a path in `line` (not the tail of a longer word like `a/work/x`). */
function containsPathStart(line: string, prefix: string): boolean {
  let at = line.indexOf(prefix);
  while (at !== -1) {
    const before = at === 0 ? ' ' : line[at - 1];
    if (!/[\w.\-/]/.test(before)) {
      return true;
    }
    at = line.indexOf(prefix, at + 1);
  }
  return false;
}

/** The files git knows of (tracked, or untracked and not ignored); every file below root elsewhere. */
export function projectFiles(root: string): string[] {
  try {
    const out = execFileSync(
      'git',
      ['ls-files', '-z', '--cached', '--others', '--exclude-standard'],
      { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] },
    );
    return out.split('\0').filter((f) => f !== '');
  } catch {
    const skip = new Set(['node_modules', 'dist', 'data', '.git', 'coverage']);
    const walk = (dir: string): string[] =>
      fs.readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((e) => {
        const rel = dir === '' ? e.name : `${dir}/${e.name}`;
        if (skip.has(e.name)) {
          return [];
        }
        return e.isDirectory() ? walk(rel) : e.isFile() ? [rel] : [];
      });
    return walk('');
  }
}

if (require.main === module) {
  const root = path.resolve(process.argv[2] ?? path.join(__dirname, '..'));
  const findings = findEscapingPaths(root, projectFiles(root));
  for (const f of findings) {
    process.stderr.write(`${f.file}:${f.line}: ${f.why}\n    ${f.text}\n`);
  }
  if (findings.length > 0) {
    process.stderr.write(
      `check-paths: ${findings.length} reference(s) to paths outside the repository\n`,
    );
    process.exit(1);
  }
}
