import { accessSync, chmodSync, constants, mkdirSync, statSync } from 'node:fs';
import { resolve } from 'node:path';

/**
 * Everything the service creates (the database, its WAL and shared-memory files, backups,
 * quarantined files, the signing key) is readable by its owner only, whatever the umask it was
 * started with: the log holds every memory's content.
 */
export const PRIVATE_UMASK = 0o077;

/**
 * Creates the data directory if missing (mode 0700), tightens one the process owns to 0700,
 * and throws an Error with a one-line reason if it is unusable.
 */
export function ensureDataDir(dir: string): string {
  const path = resolve(dir);
  try {
    mkdirSync(path, { recursive: true, mode: 0o700 });
    accessSync(path, constants.W_OK | constants.R_OK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unknown error';
    throw new Error(`data directory ${path} cannot be written (${code})`);
  }
  const { mode, uid } = statSync(path);
  // A directory someone else owns (a volume root that Kubernetes' fsGroup manages) keeps its mode.
  if ((mode & 0o077) !== 0 && uid === process.getuid?.()) {
    chmodSync(path, mode & 0o700);
  }
  return path;
}
