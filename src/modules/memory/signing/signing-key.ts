import {
  KeyObject,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  randomBytes,
} from 'node:crypto';
import {
  Stats,
  closeSync,
  constants as fsConstants,
  copyFileSync,
  fchmodSync,
  fsyncSync,
  linkSync,
  mkdirSync,
  openSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { keyIdOf } from './tree-head';

/**
 * The Ed25519 key that signs tree heads. Loaded once at start-up, so sync fs is fine here.
 * Losing or replacing this key does not invalidate the log (leaves and roots do not depend on
 * it), but every head signed before would then verify only against the old public key.
 */

export const DEFAULT_KEY_FILE = 'log-signing-key.pem';

export class SigningKeyError extends Error {
  constructor(
    readonly path: string,
    problem: string,
  ) {
    super(`Signing key ${path}: ${problem}`);
    this.name = 'SigningKeyError';
  }
}

export interface SigningKeyOptions {
  /** Data directory; the key is `<dataDir>/log-signing-key.pem` unless keyPath is set. */
  dataDir: string;
  /** An operator-provided Ed25519 PKCS#8 PEM private key; never created by us. */
  keyPath?: string;
}

export interface SigningKey {
  privateKey: KeyObject;
  publicKey: KeyObject;
  publicKeyPem: string;
  keyId: string;
  /** Absolute path of the key file. */
  path: string;
  /** True only for the process that generated the key file. */
  created: boolean;
  /** Findings worth logging that do not stop start-up (e.g. loose file permissions). */
  warnings: string[];
}

const PKCS8_LABEL = '-----BEGIN PRIVATE KEY-----';

function errnoOf(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code;
}

function describeFsError(error: unknown): string {
  switch (errnoOf(error) ?? '') {
    case 'ENOENT':
      return 'does not exist';
    case 'EACCES':
    case 'EPERM':
      return 'is not readable (permission denied)';
    case 'EISDIR':
      return 'is a directory, not a key file';
    default:
      return `cannot be read (${error instanceof Error ? error.message : String(error)})`;
  }
}

function permissionWarnings(path: string, stats: Stats): string[] {
  // POSIX modes mean nothing on Windows; ACLs there are the operator's business.
  if (process.platform === 'win32' || (stats.mode & 0o077) === 0) {
    return [];
  }
  const mode = (stats.mode & 0o777).toString(8).padStart(4, '0');
  return [
    `Signing key ${path} is accessible by group or others (mode ${mode}); run: chmod 600 ${path}`,
  ];
}

function loadKeyFile(path: string): Omit<SigningKey, 'created'> {
  let stats: Stats;
  let pem: string;
  try {
    stats = statSync(path);
    if (!stats.isFile()) {
      throw new SigningKeyError(path, 'is not a regular file');
    }
    pem = readFileSync(path, 'utf8');
  } catch (error) {
    if (error instanceof SigningKeyError) {
      throw error;
    }
    throw new SigningKeyError(path, describeFsError(error));
  }

  if (!pem.includes(PKCS8_LABEL)) {
    const problem = pem.includes('-----BEGIN ENCRYPTED PRIVATE KEY-----')
      ? 'is an encrypted private key; provide an unencrypted PKCS#8 PEM key'
      : `is not a PKCS#8 PEM private key (expected "${PKCS8_LABEL}")`;
    throw new SigningKeyError(path, problem);
  }
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey({ key: pem, format: 'pem' });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new SigningKeyError(path, `could not be parsed as a private key (${reason})`);
  }
  if (privateKey.asymmetricKeyType !== 'ed25519') {
    throw new SigningKeyError(
      path,
      `holds a ${privateKey.asymmetricKeyType ?? 'unknown'} key, but tree heads are signed with ` +
        'Ed25519 (generate one with: openssl genpkey -algorithm ed25519)',
    );
  }
  const publicKey = createPublicKey(privateKey);
  return {
    privateKey,
    publicKey,
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    keyId: keyIdOf(publicKey),
    path,
    warnings: permissionWarnings(path, stats),
  };
}

function fsyncDirectory(dir: string): void {
  // Makes the new name durable; not supported everywhere (e.g. Windows), and only an optimisation.
  try {
    const fd = openSync(dir, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // best effort
  }
}

const LINK_UNSUPPORTED = new Set(['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS', 'EXDEV']);

/**
 * Publishes `tmp` at `path` without ever replacing an existing file. rename(2) would silently
 * overwrite a key another process just created, so link(2) is used: it fails with EEXIST
 * instead. Returns false if another process won the race.
 */
function publishExclusively(tmp: string, path: string): boolean {
  try {
    linkSync(tmp, path);
    return true;
  } catch (error) {
    if (errnoOf(error) === 'EEXIST') {
      return false;
    }
    if (!LINK_UNSUPPORTED.has(errnoOf(error) ?? '')) {
      throw error;
    }
  }
  // Filesystems without hard links: exclusive copy still never overwrites, though a racing
  // reader could briefly see a partial file.
  try {
    copyFileSync(tmp, path, fsConstants.COPYFILE_EXCL);
    return true;
  } catch (error) {
    if (errnoOf(error) === 'EEXIST') {
      return false;
    }
    throw error;
  }
}

function createKeyFile(path: string): boolean {
  const dir = dirname(path);
  const { privateKey } = generateKeyPairSync('ed25519');
  const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const tmp = join(
    dir,
    `.${DEFAULT_KEY_FILE}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`,
  );
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const fd = openSync(tmp, 'wx', 0o600);
    try {
      // The umask can only remove bits from 0o600, but be explicit about the final mode.
      fchmodSync(fd, 0o600);
      writeFileSync(fd, pem);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    const won = publishExclusively(tmp, path);
    fsyncDirectory(dir);
    return won;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new SigningKeyError(path, `could not be created (${reason})`);
  } finally {
    rmSync(tmp, { force: true });
  }
}

/**
 * Loads the configured key, or the data directory's key, creating the latter on first start.
 * An existing file is never overwritten, even if unusable: that would orphan every head signed
 * with it, so it is reported as a SigningKeyError for an operator to resolve.
 */
export function loadOrCreateSigningKey(options: SigningKeyOptions): SigningKey {
  if (options.keyPath !== undefined && options.keyPath !== '') {
    return { ...loadKeyFile(resolve(options.keyPath)), created: false };
  }
  const path = resolve(options.dataDir, DEFAULT_KEY_FILE);
  let exists = true;
  try {
    statSync(path);
  } catch (error) {
    if (errnoOf(error) !== 'ENOENT') {
      throw new SigningKeyError(path, describeFsError(error));
    }
    exists = false;
  }
  // Whoever loses a creation race reads the winner's key, so every process signs with the same one.
  const created = !exists && createKeyFile(path);
  return { ...loadKeyFile(path), created };
}
