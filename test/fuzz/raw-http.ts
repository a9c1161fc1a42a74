import { connect } from 'node:net';

export interface RawRequest {
  method: string;
  /** The request-target exactly as sent: already percent-encoded (or deliberately not). */
  target: string;
  headers: Array<[string, string]>;
  body?: Buffer;
}

export interface RawResponse {
  status: number;
  /** Lower-cased names; a repeated header keeps its last value. */
  headers: Record<string, string>;
  body: Buffer;
}

const TIMEOUT_MS = 10_000;

/**
 * One HTTP/1.1 exchange over a fresh TCP connection, bytes in and bytes out, so that a body can
 * be invalid UTF-8, truncated JSON or carry duplicate keys — what an HTTP client library would
 * refuse to send or normalise. Content-Length is added unless the request sets it.
 */
export function send(port: number, req: RawRequest): Promise<RawResponse> {
  const body = req.body ?? Buffer.alloc(0);
  const names = new Set(req.headers.map(([name]) => name.toLowerCase()));
  const lines = [`${req.method} ${req.target} HTTP/1.1`, `host: 127.0.0.1:${port}`];
  for (const [name, value] of req.headers) {
    lines.push(`${name}: ${value}`);
  }
  if (!names.has('content-length') && (body.length > 0 || req.method !== 'GET')) {
    lines.push(`content-length: ${body.length}`);
  }
  lines.push('connection: close', '', '');
  const head = Buffer.from(lines.join('\r\n'), 'latin1');

  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port });
    const chunks: Buffer[] = [];
    socket.setTimeout(TIMEOUT_MS, () => {
      socket.destroy(new Error(`no complete response within ${TIMEOUT_MS} ms`));
    });
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    const finish = (cause?: Error) => {
      try {
        resolve(parse(Buffer.concat(chunks)));
      } catch (error) {
        reject(cause ?? (error instanceof Error ? error : new Error(String(error))));
      }
    };
    // A server that answers before reading the whole body (a 413) and closes may reset the
    // connection while the rest is still being written: the answer it sent is what counts.
    socket.on('error', finish);
    socket.on('end', () => finish());
    socket.write(Buffer.concat([head, body]));
  });
}

function parse(raw: Buffer): RawResponse {
  const end = raw.indexOf('\r\n\r\n');
  if (end < 0) {
    throw new Error(`the server closed the connection without a response (${raw.length} bytes)`);
  }
  const [statusLine, ...headerLines] = raw.subarray(0, end).toString('latin1').split('\r\n');
  const match = /^HTTP\/1\.[01] (\d{3})/.exec(statusLine);
  if (!match) {
    throw new Error(`not an HTTP status line: ${JSON.stringify(statusLine)}`);
  }
  const headers: Record<string, string> = {};
  for (const line of headerLines) {
    const colon = line.indexOf(':');
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  let body = raw.subarray(end + 4);
  if (headers['transfer-encoding']?.toLowerCase() === 'chunked') {
    body = dechunk(body);
  }
  return { status: Number(match[1]), headers, body };
}

function dechunk(data: Buffer): Buffer {
  const parts: Buffer[] = [];
  let at = 0;
  for (;;) {
    const lineEnd = data.indexOf('\r\n', at);
    if (lineEnd < 0) {
      throw new Error('truncated chunked body');
    }
    const size = parseInt(data.subarray(at, lineEnd).toString('latin1'), 16);
    if (!Number.isFinite(size)) {
      throw new Error('malformed chunk size');
    }
    if (size === 0) {
      return Buffer.concat(parts);
    }
    parts.push(data.subarray(lineEnd + 2, lineEnd + 2 + size));
    at = lineEnd + 2 + size + 2;
  }
}
