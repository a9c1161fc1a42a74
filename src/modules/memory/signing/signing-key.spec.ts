import { spawn } from 'node:child_process';
import { createHash, generateKeyPairSync } from 'node:crypto';
import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DEFAULT_KEY_FILE, SigningKeyError, loadOrCreateSigningKey } from './signing-key';
import { signTreeHead, verifyTreeHead } from './tree-head';

let dir: string;

beforeEach(() => {
  dir = fs.mkdtempSync(join(tmpdir(), 'phoenix-signing-key-'));
});

afterEach(() => {
  jest.restoreAllMocks();
  fs.rmSync(dir, { recursive: true, force: true });
});

const pkcs8Pem = (type: 'ed25519' | 'ec'): string => {
  const { privateKey } =
    type === 'ec'
      ? generateKeyPairSync('ec', { namedCurve: 'P-256' })
      : generateKeyPairSync('ed25519');
  return privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
};

const writeKey = (name: string, content: string, mode = 0o600): string => {
  const path = join(dir, name);
  fs.writeFileSync(path, content, { mode });
  fs.chmodSync(path, mode);
  return path;
};

describe(loadOrCreateSigningKey.name, () => {
  it('should create a 0600 Ed25519 PKCS#8 key in the data directory on first start', () => {
    const key = loadOrCreateSigningKey({ dataDir: dir });
    const path = join(dir, DEFAULT_KEY_FILE);
    expect(key.created).toBe(true);
    expect(key.path).toBe(path);
    expect(key.warnings).toEqual([]);
    expect(fs.statSync(path).mode & 0o777).toBe(0o600);
    expect(fs.readFileSync(path, 'utf8')).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
    expect(key.privateKey.asymmetricKeyType).toBe('ed25519');
    // No temporary files left behind.
    expect(fs.readdirSync(dir)).toEqual([DEFAULT_KEY_FILE]);
  });

  it('should expose a keyId equal to the SHA-256 of the SPKI DER and a PEM public key', () => {
    const key = loadOrCreateSigningKey({ dataDir: dir });
    const der = key.publicKey.export({ type: 'spki', format: 'der' });
    expect(key.keyId).toBe(createHash('sha256').update(der).digest('hex'));
    expect(key.publicKeyPem).toMatch(/^-----BEGIN PUBLIC KEY-----\n/);
    const head = { treeSize: 0, rootHash: '00'.repeat(32), timestamp: '2026-11-27T15:05:55.123Z' };
    expect(verifyTreeHead(key.publicKeyPem, signTreeHead(key.privateKey, head))).toBe(true);
  });

  it('should reuse the key on the next start', () => {
    const first = loadOrCreateSigningKey({ dataDir: dir });
    const before = fs.readFileSync(first.path, 'utf8');
    const second = loadOrCreateSigningKey({ dataDir: dir });
    expect(second.created).toBe(false);
    expect(second.keyId).toBe(first.keyId);
    expect(fs.readFileSync(first.path, 'utf8')).toBe(before);
  });

  it('should create a missing data directory', () => {
    const nested = join(dir, 'a', 'b');
    const key = loadOrCreateSigningKey({ dataDir: nested });
    expect(key.created).toBe(true);
    expect(fs.existsSync(join(nested, DEFAULT_KEY_FILE))).toBe(true);
  });

  it('should warn, not fail, when an existing key is readable by others', () => {
    const path = writeKey(DEFAULT_KEY_FILE, pkcs8Pem('ed25519'), 0o644);
    const key = loadOrCreateSigningKey({ dataDir: dir });
    expect(key.created).toBe(false);
    expect(key.warnings).toHaveLength(1);
    expect(key.warnings[0]).toContain(path);
    expect(key.warnings[0]).toContain('0644');
  });

  it('should refuse, and never overwrite, an unusable key in the data directory', () => {
    const path = writeKey(DEFAULT_KEY_FILE, 'garbage');
    expect(() => loadOrCreateSigningKey({ dataDir: dir })).toThrow(SigningKeyError);
    expect(fs.readFileSync(path, 'utf8')).toBe('garbage');
  });

  it('should load a configured Ed25519 key and ignore the data directory', () => {
    const pem = pkcs8Pem('ed25519');
    const path = writeKey('configured.pem', pem);
    const key = loadOrCreateSigningKey({ dataDir: join(dir, 'unused'), keyPath: path });
    expect(key.created).toBe(false);
    expect(key.path).toBe(resolve(path));
    expect(key.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString()).toBe(pem);
    expect(fs.existsSync(join(dir, 'unused'))).toBe(false);
  });

  it('should fail with a SigningKeyError naming a missing configured path, without creating it', () => {
    const path = join(dir, 'missing.pem');
    let error: unknown;
    try {
      loadOrCreateSigningKey({ dataDir: dir, keyPath: path });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SigningKeyError);
    expect((error as SigningKeyError).message).toContain(path);
    expect((error as SigningKeyError).message).toContain('does not exist');
    expect((error as SigningKeyError).path).toBe(path);
    expect(fs.existsSync(path)).toBe(false);
    expect(fs.existsSync(join(dir, DEFAULT_KEY_FILE))).toBe(false);
  });

  it.each([
    ['a non-Ed25519 (P-256) key', () => pkcs8Pem('ec'), /Ed25519/],
    [
      'a public key',
      () =>
        generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' }).toString(),
      /not a PKCS#8 PEM private key/,
    ],
    [
      'an encrypted key',
      () =>
        generateKeyPairSync('ed25519')
          .privateKey.export({
            type: 'pkcs8',
            format: 'pem',
            cipher: 'aes-256-cbc',
            passphrase: 'x',
          })
          .toString(),
      /encrypted/,
    ],
    [
      'a corrupted PEM body',
      () => '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n',
      /could not be parsed/,
    ],
    ['an empty file', () => '', /not a PKCS#8/],
  ])('should reject %s at the configured path', (_label, content, message) => {
    const path = writeKey('configured.pem', content());
    const attempt = () => loadOrCreateSigningKey({ dataDir: dir, keyPath: path });
    expect(attempt).toThrow(SigningKeyError);
    expect(attempt).toThrow(message);
    expect(attempt).toThrow(path);
  });

  it('should reject a directory as the configured path', () => {
    expect(() => loadOrCreateSigningKey({ dataDir: dir, keyPath: dir })).toThrow(
      /is not a regular file/,
    );
  });

  it('should report a configured key path it cannot read', () => {
    // A path below a regular file cannot be opened, even by root (who can read mode 0000 files).
    const file = writeKey('plain.pem', pkcs8Pem('ed25519'));
    expect(() => loadOrCreateSigningKey({ dataDir: dir, keyPath: join(file, 'key.pem') })).toThrow(
      SigningKeyError,
    );
  });

  it("should read the winner's key when another process creates it first", () => {
    const winnerPem = pkcs8Pem('ed25519');
    // The namespace import above is a frozen copy; the core module object itself is patchable.
    const coreFs = jest.requireActual<typeof fs>('node:fs');
    const realLink = coreFs.linkSync;
    // Simulate the other process publishing its key between our existence check and our link.
    jest.spyOn(coreFs, 'linkSync').mockImplementation((existing, target) => {
      fs.writeFileSync(target, winnerPem, { mode: 0o600 });
      realLink(existing, target);
    });
    const key = loadOrCreateSigningKey({ dataDir: dir });
    expect(key.created).toBe(false);
    expect(key.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString()).toBe(winnerPem);
    expect(fs.readFileSync(join(dir, DEFAULT_KEY_FILE), 'utf8')).toBe(winnerPem);
    expect(fs.readdirSync(dir)).toEqual([DEFAULT_KEY_FILE]);
  });

  it('should yield one key when several processes start at once', async () => {
    const modulePath = require.resolve('./signing-key');
    // Children wait on stdin so they all race from the same moment, not from their start-up.
    const script = `
      const fs = require('node:fs');
      const { loadOrCreateSigningKey } = require(${JSON.stringify(modulePath)});
      process.stdout.write('ready\\n');
      fs.readSync(0, Buffer.alloc(1));
      const key = loadOrCreateSigningKey({ dataDir: ${JSON.stringify(dir)} });
      process.stdout.write(JSON.stringify({ keyId: key.keyId, created: key.created }) + '\\n');
    `;
    const children = Array.from({ length: 6 }, () =>
      spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', '-e', script], {
        cwd: resolve(__dirname, '../../../..'),
        stdio: ['pipe', 'pipe', 'pipe'],
      }),
    );
    const outputs = children.map(
      (child) =>
        new Promise<{ out: string; err: string; code: number | null }>((done) => {
          let out = '';
          let err = '';
          child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
          child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
          child.on('close', (code) => done({ out, err, code }));
        }),
    );
    await Promise.all(
      children.map(
        (child) =>
          new Promise<void>((ready, failed) => {
            child.stdout.on('data', (chunk: Buffer) => {
              if (chunk.toString().includes('ready')) {
                ready();
              }
            });
            child.on('close', () => failed(new Error('child exited before the race')));
          }),
      ),
    );
    children.forEach((child) => child.stdin.end('g'));
    const results = (await Promise.all(outputs)).map(({ out, err, code }) => {
      expect({ code, err }).toEqual({ code: 0, err: '' });
      return JSON.parse(out.split('\n')[1]) as { keyId: string; created: boolean };
    });
    expect(new Set(results.map((r) => r.keyId)).size).toBe(1);
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(fs.readdirSync(dir)).toEqual([DEFAULT_KEY_FILE]);
    expect(loadOrCreateSigningKey({ dataDir: dir }).keyId).toBe(results[0].keyId);
  }, 30000);
});
