/**
 * A bounded HTTP/1.1 load generator over raw keep-alive sockets (the idea of autocannon, in
 * one file): each connection sends one GET, reads the whole response (Content-Length), and
 * sends the next, until the duration is over. Parsing is minimal so that one core of load
 * can drive one core of server. 127.0.0.1 only.
 *
 *   node -r ts-node/register/transpile-only bench/health/load.ts '{"port":3000,"path":"/x"}'
 *
 * prints one JSON LoadResult line.
 */
import { connect, Socket } from 'node:net';

export interface LoadOptions {
  port: number;
  path: string;
  connections?: number;
  /** Stop after this long; or, when run with an IPC channel, on the parent's 'stop' message. */
  durationMs?: number;
}

export interface LoadResult {
  path: string;
  connections: number;
  durationMs: number;
  requests: number;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  statuses: Record<string, number>;
  errors: number;
}

const HEADER_END = Buffer.from('\r\n\r\n');

export function runLoad(options: LoadOptions): Promise<LoadResult> {
  const connections = options.connections ?? 50;
  const durationMs = options.durationMs ?? 5000;
  const request = Buffer.from(
    `GET ${options.path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: keep-alive\r\n\r\n`,
  );
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  let errors = 0;
  const started = performance.now();
  let deadline = started + durationMs;
  const stop = () => {
    deadline = 0;
  };
  process.once('message', stop);

  const oneConnection = () =>
    new Promise<void>((resolve) => {
      const socket: Socket = connect({ host: '127.0.0.1', port: options.port });
      socket.setNoDelay(true);
      let pending: Buffer | null = null;
      let sentAt = 0;
      const send = () => {
        sentAt = performance.now();
        socket.write(request);
      };
      socket.on('connect', send);
      socket.on('error', () => {
        errors += 1;
      });
      socket.on('close', () => resolve());
      socket.on('data', (chunk: Buffer) => {
        let buffer: Buffer = pending ? Buffer.concat([pending, chunk]) : chunk;
        pending = buffer;
        for (;;) {
          const response = takeResponse(buffer);
          if (!response) {
            return;
          }
          buffer = response.rest;
          const now = performance.now();
          latencies.push(now - sentAt);
          statuses[response.status] = (statuses[response.status] ?? 0) + 1;
          pending = response.rest.length > 0 ? response.rest : null;
          if (now >= deadline || response.close) {
            socket.destroy();
            return;
          }
          send();
        }
      });
    });

  return Promise.all(Array.from({ length: connections }, oneConnection)).then(() => {
    process.off('message', stop);
    const elapsed = performance.now() - started;
    latencies.sort((a, b) => a - b);
    return {
      path: options.path,
      connections,
      durationMs: Math.round(elapsed),
      requests: latencies.length,
      requestsPerSecond: Math.round((latencies.length * 1000) / elapsed),
      p50Ms: percentile(latencies, 0.5),
      p99Ms: percentile(latencies, 0.99),
      maxMs: Math.round((latencies[latencies.length - 1] ?? 0) * 1000) / 1000,
      statuses,
      errors,
    };
  });
}

/** `count` connections opened at once, one request each; the statuses they got. */
export function burst(
  port: number,
  path: string,
  count: number,
): Promise<{ statuses: Record<string, number>; errors: number; p99Ms: number }> {
  const request = Buffer.from(
    `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`,
  );
  const statuses: Record<string, number> = {};
  const latencies: number[] = [];
  let errors = 0;
  const one = () =>
    new Promise<void>((resolve) => {
      const sentAt = performance.now();
      const socket = connect({ host: '127.0.0.1', port }, () => socket.write(request));
      let pending: Buffer | null = null;
      let answered = false;
      socket.on('data', (chunk: Buffer) => {
        pending = pending ? Buffer.concat([pending, chunk]) : chunk;
        const response = takeResponse(pending);
        if (response && !answered) {
          answered = true;
          latencies.push(performance.now() - sentAt);
          statuses[response.status] = (statuses[response.status] ?? 0) + 1;
          socket.destroy();
        }
      });
      socket.on('error', () => undefined);
      socket.on('close', () => {
        if (!answered) {
          errors += 1;
        }
        resolve();
      });
    });
  return Promise.all(Array.from({ length: count }, one)).then(() => {
    latencies.sort((a, b) => a - b);
    return { statuses, errors, p99Ms: percentile(latencies, 0.99) };
  });
}

function takeResponse(
  buffer: Buffer,
): { status: string; close: boolean; rest: Buffer } | undefined {
  const headerEnd = buffer.indexOf(HEADER_END);
  if (headerEnd < 0) {
    return undefined;
  }
  const head = buffer.toString('latin1', 0, headerEnd).toLowerCase();
  const match = /\r\ncontent-length:\s*(\d+)/.exec(head);
  const total = headerEnd + 4 + (match ? Number(match[1]) : 0);
  if (buffer.length < total) {
    return undefined;
  }
  return {
    status: head.slice(9, 12),
    close: head.includes('\r\nconnection: close'),
    rest: buffer.subarray(total),
  };
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) {
    return 0;
  }
  const value = sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))];
  return Math.round(value * 1000) / 1000;
}

if (require.main === module) {
  const options = JSON.parse(process.argv[2] ?? '{}') as LoadOptions & { burst?: number };
  const run = options.burst ? burst(options.port, options.path, options.burst) : runLoad(options);
  void run.then((result) => {
    process.stdout.write(`${JSON.stringify(result)}\n`);
    process.disconnect?.();
  });
}
