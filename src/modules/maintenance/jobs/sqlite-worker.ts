import { Worker } from 'node:worker_threads';

// A connection of its own on a thread of its own, for work that would hold the event loop for
// long on the service's connection: quick_check and a backup read the whole file, vacuum and
// checkpoints write and sync it, and any of them can wait for long on a busy disk. Under WAL,
// the service's connection goes on reading and writing meanwhile.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.path, { fileMustExist: true, timeout: workerData.busyTimeoutMs });
const fail = (id, error) => parentPort.postMessage({ id, error: String((error && error.message) || error) });
parentPort.on('message', ({ id, pragma, backup }) => {
  if (backup !== undefined) {
    // One step: a single read transaction, so writes by other connections cannot restart it.
    db.backup(backup, { progress: () => 0x7fffffff }).then(
      (progress) => parentPort.postMessage({ id, rows: [progress] }),
      (error) => fail(id, error),
    );
    return;
  }
  try {
    parentPort.postMessage({ id, rows: db.pragma(pragma) });
  } catch (error) {
    fail(id, error);
  }
});
parentPort.once('close', () => db.close());
`;

type Reply = { id: number; rows?: unknown[]; error?: string };

/** A SQLite connection on a worker thread: pragmas (quick_check, vacuum, checkpoints) and backups. */
export class SqliteWorker {
  private readonly worker: Worker;
  private readonly pending = new Map<number, (reply: Reply) => void>();
  private nextId = 0;
  private exited: Error | undefined;

  constructor(path: string, busyTimeoutMs: number) {
    this.worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { path, busyTimeoutMs, driver: require.resolve('better-sqlite3') },
    });
    this.worker.on('message', (reply: Reply) => {
      this.pending.get(reply.id)?.(reply);
      this.pending.delete(reply.id);
    });
    const fail = (error: Error) => {
      this.exited = error;
      for (const resolve of this.pending.values()) {
        resolve({ id: -1, error: error.message });
      }
      this.pending.clear();
    };
    this.worker.on('error', fail);
    this.worker.on('exit', (code) => fail(new Error(`SQLite worker exited with code ${code}`)));
  }

  /** `PRAGMA <pragma>` on the worker's connection; aborting the signal stops the worker. */
  pragma<T>(pragma: string, signal: AbortSignal): Promise<T[]> {
    return this.request<T>({ pragma }, signal);
  }

  /** An online backup of the database into `destination` (better-sqlite3's `backup()`). */
  async backup(destination: string, signal: AbortSignal): Promise<void> {
    await this.request({ backup: destination }, signal);
  }

  private request<T>(
    message: { pragma?: string; backup?: string },
    signal: AbortSignal,
  ): Promise<T[]> {
    signal.throwIfAborted();
    if (this.exited) {
      return Promise.reject(this.exited);
    }
    const id = (this.nextId += 1);
    return new Promise<T[]>((resolve, reject) => {
      const onAbort = () => {
        void this.worker.terminate();
      };
      signal.addEventListener('abort', onAbort, { once: true });
      this.pending.set(id, (reply) => {
        signal.removeEventListener('abort', onAbort);
        if (signal.aborted) {
          reject(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
        } else if (reply.error !== undefined) {
          reject(new Error(reply.error));
        } else {
          resolve((reply.rows ?? []) as T[]);
        }
      });
      this.worker.postMessage({ id, ...message });
    });
  }

  async close(): Promise<void> {
    await this.worker.terminate();
  }
}
