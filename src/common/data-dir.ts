import { accessSync, constants, mkdirSync } from 'node:fs';
import { resolve } from 'node:path';

/** Creates the data directory if missing; throws an Error with a one-line reason if unusable. */
export function ensureDataDir(dir: string): string {
  const path = resolve(dir);
  try {
    mkdirSync(path, { recursive: true, mode: 0o750 });
    accessSync(path, constants.W_OK | constants.R_OK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unknown error';
    throw new Error(`data directory ${path} cannot be written (${code})`);
  }
  return path;
}
