import { STATUS_CODES } from 'node:http';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** RFC 9457 problem details, as every error response of the API carries them. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  requestId: string;
  errors?: Record<string, string[]>;
  [extension: string]: unknown;
}

/** Problem types are relative URIs that resolve to the error catalogue in the API docs. */
export function problemType(code: string): string {
  return `/docs/errors#${code}`;
}

export function defaultCode(status: number): string {
  const known: Record<number, string> = {
    400: 'bad_request',
    401: 'unauthorized',
    403: 'forbidden',
    404: 'not_found',
    405: 'method_not_allowed',
    406: 'not_acceptable',
    408: 'request_timeout',
    409: 'conflict',
    410: 'gone',
    413: 'payload_too_large',
    414: 'uri_too_long',
    415: 'unsupported_media_type',
    422: 'unprocessable',
    429: 'too_many_requests',
    500: 'internal_error',
    503: 'service_unavailable',
  };
  return known[status] ?? (STATUS_CODES[status] ?? 'error').toLowerCase().replace(/\W+/g, '_');
}

export function statusTitle(status: number): string {
  return STATUS_CODES[status] ?? 'Error';
}
