import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { findEscapingPaths, projectFiles } from './check-paths';

/** `n` parent steps, built so that this file holds no such literal itself. */
const up = (n: number): string => '../'.repeat(n);

describe('findEscapingPaths', () => {
  let root: string;

  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'check-paths-'));
    fs.mkdirSync(path.join(root, 'src/a/b'), { recursive: true });
  });

  afterEach(() => {
    fs.rmSync(root, { recursive: true, force: true });
  });

  function write(file: string, text: string): string {
    fs.writeFileSync(path.join(root, file), text);
    return file;
  }

  it('should flag a relative path that climbs above the repository root', () => {
    const file = write('src/a/b/x.spec.ts', `const d = path.resolve(__dirname, '${up(4)}v');\n`);
    expect(findEscapingPaths(root, [file])).toEqual([
      expect.objectContaining({
        file,
        line: 1,
        why: expect.stringContaining('leaves the repository'),
      }),
    ]);
  });

  it('should accept a relative path that stays inside the repository', () => {
    const file = write('src/a/b/x.spec.ts', `import { y } from '${up(3)}test/fixtures/y';\n`);
    expect(findEscapingPaths(root, [file])).toEqual([]);
  });

  it('should flag the shared folder and absolute home or work paths, in code and docs', () => {
    const files = [
      write('src/a/one.ts', `// vectors in ${['..', 'shared'].join('/')}/vectors\n`),
      write('src/a/two.md', `see ${'/wo'}rk/main/src\n`),
      write('src/a/three.ts', `const p = '${'/ho'}me/alice/x';\n`),
    ];
    expect(findEscapingPaths(root, files).map((f) => f.file)).toEqual(files);
  });

  it('should not take a path tail such as a URL path for an absolute path', () => {
    const file = write('src/a/ok.md', 'GET https://example.org/work/items and a/home/b\n');
    expect(findEscapingPaths(root, [file])).toEqual([]);
  });

  it('should find nothing in this repository', () => {
    const repo = path.join(__dirname, '..');
    expect(findEscapingPaths(repo, projectFiles(repo))).toEqual([]);
  });
});
