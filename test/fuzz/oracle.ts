import type { FuzzRequest } from './requests';
import type { RawResponse } from './raw-http';

const PROBLEM = /^application\/problem\+json/;

/**
 * Text that means internals leaked: SQL, a driver's error, a stack frame, a file path of the
 * host. Each is checked only when the request did not contain it (a 400 may echo what it got).
 */
const LEAKS: Array<[string, RegExp]> = [
  ['SQL', /\b(?:SELECT\s[\s\S]{0,200}\sFROM|INSERT\s+INTO|UPDATE\s+\S+\s+SET|DELETE\s+FROM)\b/i],
  [
    'a database error',
    /SQLITE_[A-Z]+|QueryFailedError|syntax error at or near|violates [\w ]*constraint|relation "[^"]*" does not exist|column "[^"]*" does not exist|invalid byte sequence for encoding|unterminated quoted string/i,
  ],
  [
    'a stack trace',
    /\n\s+at\s+\S+\s+\(|\bat\s+[\w.<>]+\s+\((?:\/|node:)|\w+Error:\s[^"]*\n\s+at\s/,
  ],
  [
    'an absolute path',
    /(?:^|[\s"'(])\/(?:home|root|usr|opt|tmp|work|app|srv|var)\/[\w.-]+|node_modules[/\\]|\.(?:ts|js):\d+:\d+/,
  ],
];

/** Every way a single response breaks the promise; empty when it keeps it. */
export function violations(req: FuzzRequest, res: RawResponse): string[] {
  const problems: string[] = [];
  const text = res.body.toString('utf8');
  const requestId = res.headers['x-request-id'];
  if (!requestId) {
    problems.push('no x-request-id header');
  }
  if (res.status >= 500) {
    // A deliberately stopped component answers 503 component_unavailable, but the fuzzer
    // restarts what an admin call stopped before it sends the next request: no request meets
    // a stopped component, so every 5xx here is a defect.
    problems.push(`status ${res.status} (code ${codeOf(text) ?? 'none'})`);
  }
  if (res.status >= 400) {
    const type = res.headers['content-type'] ?? '';
    if (!PROBLEM.test(type)) {
      problems.push(`${res.status} with content-type "${type}", not application/problem+json`);
    } else {
      const body = parse(text);
      if (body === undefined) {
        problems.push(`${res.status} problem body is not JSON: ${text.slice(0, 200)}`);
      } else {
        if (body.requestId !== requestId) {
          problems.push(`problem requestId ${String(body.requestId)} ≠ x-request-id ${requestId}`);
        }
        if (body.status !== res.status) {
          problems.push(`problem status ${String(body.status)} ≠ HTTP status ${res.status}`);
        }
      }
    }
  }
  const sent = `${req.target}\n${req.body?.toString('utf8') ?? ''}`;
  for (const [what, pattern] of LEAKS) {
    const found = pattern.exec(text);
    if (found && !pattern.test(sent)) {
      problems.push(`${res.status} body leaks ${what}: ${JSON.stringify(found[0].slice(0, 120))}`);
    }
  }
  return problems;
}

function parse(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === 'object'
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

function codeOf(text: string): string | undefined {
  const code = parse(text)?.code;
  return typeof code === 'string' ? code : undefined;
}
