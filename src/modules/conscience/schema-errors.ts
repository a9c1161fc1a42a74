import type { ErrorObject } from 'ajv';

/**
 * Ajv's errors as the API reports validation problems: `{ "dotted.path": [messages] }`, with
 * the property that is missing or not allowed named in the path rather than in the message.
 * `root` names the document itself (e.g. "body" or "file").
 */
export function schemaFieldErrors(
  errors: readonly ErrorObject[],
  root: string,
): Record<string, string[]> {
  // Paths name the document's own keys ("constructor", "toString"…): no prototype to collide with.
  const out = Object.create(null) as Record<string, string[]>;
  const add = (path: string, message: string) => {
    const list = (out[path] ??= []);
    if (!list.includes(message)) {
      list.push(message);
    }
  };
  const alternatives = errors.filter((e) => e.keyword === 'anyOf' || e.keyword === 'oneOf');
  const isAlternative = (e: ErrorObject) =>
    alternatives.some((alt) => e !== alt && e.schemaPath.startsWith(`${alt.schemaPath}/`));
  for (const error of errors) {
    if (error.keyword === 'if' || isAlternative(error)) {
      continue;
    }
    const base = pathOf(error.instancePath);
    switch (error.keyword) {
      case 'required':
        add(join(base, String(error.params.missingProperty)), 'is required');
        break;
      case 'additionalProperties':
        add(join(base, String(error.params.additionalProperty)), 'is not allowed');
        break;
      case 'false schema':
        add(base || root, 'is not allowed here');
        break;
      case 'anyOf':
      case 'oneOf': {
        const options = errors
          .filter((e) => e.schemaPath.startsWith(`${error.schemaPath}/`))
          .map(messageOf);
        add(base || root, `${[...new Set(options)].join(', or ')}`);
        break;
      }
      default:
        add(base || root, messageOf(error));
    }
  }
  return out;
}

function messageOf(error: ErrorObject): string {
  switch (error.keyword) {
    case 'enum':
      return `must be one of ${(error.params.allowedValues as unknown[]).map(String).join(', ')}`;
    case 'const':
      return `must be ${JSON.stringify(error.params.allowedValue)}`;
    default:
      return error.message ?? 'is invalid';
  }
}

/** "/axioms/3/effect" → "axioms.3.effect" (RFC 6901 escapes undone). */
function pathOf(pointer: string): string {
  return pointer
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .join('.');
}

function join(base: string, name: string): string {
  return base ? `${base}.${name}` : name;
}
