import type { FastifyInstance, FastifyRequest } from 'fastify';
import { InvalidInputError, UnsupportedMediaTypeError } from './errors/domain-error';
import { firstTextProblem } from './text-rules';

/**
 * The deepest nesting of arrays and objects in JSON text, found without parsing it and without
 * recursion: brackets outside strings are counted, and the scan stops as soon as the limit is
 * passed. Run on the raw body before anything (JSON.parse, the prototype-poisoning scan,
 * class-transformer, canonical JSON) walks the value recursively. Returns true within the limit.
 */
export function withinJsonDepth(text: string, maxDepth: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c /* \ */) {
        i++;
      } else if (c === 0x22 /* " */) {
        inString = false;
      }
    } else if (c === 0x22) {
      inString = true;
    } else if (c === 0x5b /* [ */ || c === 0x7b /* { */) {
      if (++depth > maxDepth) {
        return false;
      }
    } else if (c === 0x5d /* ] */ || c === 0x7d /* } */) {
      depth--;
    }
  }
  return true;
}

export class JsonTooDeepError extends InvalidInputError {
  override readonly code = 'json_too_deep';
}

export class InvalidUtf8Error extends InvalidInputError {
  override readonly code = 'invalid_utf8';
}

/** U+0000 or a lone surrogate in a body, path or query string (see text-rules.ts). */
export class InvalidTextError extends InvalidInputError {
  override readonly code = 'invalid_text';
}

/** The text rules for what the router and the query parser produced, or null. */
export function requestTextError(params: unknown, query: unknown): InvalidTextError | null {
  const inParams = firstTextProblem(params);
  if (inParams !== null) {
    return new InvalidTextError(`A path parameter ${inParams.problem}`);
  }
  const inQuery = firstTextProblem(query);
  return inQuery === null
    ? null
    : new InvalidTextError(`The query parameter at ${inQuery.at} ${inQuery.problem}`);
}

const UTF8 = new TextDecoder('utf-8', { fatal: true });
const CHARSET = /;\s*charset\s*=\s*(?:"([^"]*)"|([^;\s]*))/i;

/**
 * The charset parameter of a content-type, lowercased, or undefined when there is none. JSON is
 * UTF-8 only (RFC 8259 §8.1), so anything else is a 415 rather than bytes read the wrong way.
 */
export function charsetOf(contentType: string | undefined): string | undefined {
  const match = contentType === undefined ? null : CHARSET.exec(contentType);
  return match ? (match[1] ?? match[2]).toLowerCase() : undefined;
}

/**
 * Replaces Fastify's JSON parser with one that reads the raw bytes: a charset other than UTF-8
 * is a 415, bytes that are not valid UTF-8 are a 400 (Fastify would decode them to U+FFFD and
 * the stored content would differ from what was sent), and so is a body nested deeper than
 * `maxDepth`. The text is then parsed by Fastify's own parser, which keeps its
 * prototype-poisoning guard (`__proto__` and `constructor.prototype` keys are a 400).
 */
export function installJsonParser(fastify: FastifyInstance, maxDepth: number): void {
  const parse = fastify.getDefaultJsonParser('error', 'error');
  fastify.removeContentTypeParser('application/json');
  fastify.addContentTypeParser(
    'application/json',
    { parseAs: 'buffer' },
    (request: FastifyRequest, body: Buffer, done: (err: Error | null, body?: unknown) => void) => {
      const charset = charsetOf(request.headers['content-type']);
      if (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8') {
        done(
          new UnsupportedMediaTypeError(
            `JSON bodies are UTF-8; charset=${charset} is not supported`,
          ),
        );
        return;
      }
      let text: string;
      try {
        text = UTF8.decode(body);
      } catch {
        done(new InvalidUtf8Error('The request body is not valid UTF-8'));
        return;
      }
      if (!withinJsonDepth(text, maxDepth)) {
        done(new JsonTooDeepError(`The JSON body nests arrays and objects over ${maxDepth} deep`));
        return;
      }
      // Fastify types the default parser as possibly async; it calls done synchronously.
      void parse(request, text, (error: Error | null, value?: unknown) => {
        const bad = error === null ? firstTextProblem(value) : null;
        if (bad !== null) {
          done(new InvalidTextError(`The string at ${bad.at} of the body ${bad.problem}`));
          return;
        }
        done(error, value);
      });
    },
  );
}
