/**
 * The Node.js release line the service is built, tested and shipped on. Older lines are past
 * their end of life, and the SQLite driver (better-sqlite3 13) crashes on Node.js 20, so the
 * process refuses them with one line instead of failing somewhere inside a dependency.
 */
export const MIN_NODE_MAJOR = 24;

/** Null when `version` (as in `process.versions.node`) is supported, else why it is not. */
export function unsupportedRuntime(version: string): string | null {
  const major = Number.parseInt(version.split('.')[0], 10);
  if (Number.isInteger(major) && major >= MIN_NODE_MAJOR) {
    return null;
  }
  return (
    `Node.js ${version} is not supported; run on Node.js ${MIN_NODE_MAJOR} or later ` +
    '(`npm start` and `npm test` use the one `npm ci` installs into node_modules/.bin)'
  );
}
