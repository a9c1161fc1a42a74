import type { FastifyInstance, FastifyRequest } from 'fastify';
import { InvalidInputError } from './errors/domain-error';

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

/**
 * Wraps Fastify's JSON parser: a body nested deeper than `maxDepth` is a 400 before it is
 * parsed. The text is then parsed by Fastify's own parser, which keeps its prototype-poisoning
 * guard (`__proto__` and `constructor.prototype` keys are a 400).
 */
export function installJsonParser(fastify: FastifyInstance, maxDepth: number): void {
  const parse = fastify.getDefaultJsonParser('error', 'error');
  fastify.removeContentTypeParser('application/json');
  fastify.addContentTypeParser(
    'application/json',
    { parseAs: 'string' },
    (request: FastifyRequest, text: string, done: (err: Error | null, body?: unknown) => void) => {
      if (!withinJsonDepth(text, maxDepth)) {
        done(new JsonTooDeepError(`The JSON body nests arrays and objects over ${maxDepth} deep`));
        return;
      }
      // Fastify types the default parser as possibly async; it calls done synchronously.
      void parse(request, text, done);
    },
  );
}
