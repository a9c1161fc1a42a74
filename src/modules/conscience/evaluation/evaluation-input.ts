import Ajv from 'ajv';
import { ValidationFailedError } from '../../../common/errors/validation';
import { CanonicalJsonError, canonicalJson } from '../../memory/leaf';
import { InputTooLargeError } from '../conscience.errors';
import { schemaFieldErrors } from '../schema-errors';
import { type EvaluationInput, MODES, SCOPES } from './types';

const unit = { type: 'number', minimum: 0, maximum: 1 };

/** The request body of POST /api/v1/conscience/evaluations (the action may carry other fields). */
export const EVALUATION_REQUEST_SCHEMA = {
  type: 'object',
  required: ['action'],
  additionalProperties: false,
  properties: {
    action: {
      type: 'object',
      required: ['type'],
      properties: {
        type: { type: 'string', minLength: 1, maxLength: 256 },
        description: { type: 'string', maxLength: 4096 },
        target: {
          anyOf: [{ type: 'string', minLength: 1, maxLength: 1024 }, { type: 'object' }],
        },
        reversible: { type: 'boolean' },
        impact: {
          type: 'object',
          additionalProperties: false,
          properties: {
            harm: unit,
            benefit: unit,
            scope: { anyOf: [{ enum: Object.keys(SCOPES) }, unit] },
          },
        },
      },
    },
    context: { type: 'object' },
    mode: { enum: [...MODES] },
  },
} as const;

const validate = new Ajv({ allErrors: true, strictTypes: false }).compile(
  EVALUATION_REQUEST_SCHEMA,
);

/**
 * Checks an evaluation request and returns it with its defaults, or throws a 400 that names
 * every bad field: ValidationFailedError for the shape, InputTooLargeError when action and
 * context together exceed `maxBytes` of canonical JSON (what the decision log would store).
 */
export function parseEvaluationInput(body: unknown, maxBytes: number): EvaluationInput {
  if (!validate(body)) {
    const errors = schemaFieldErrors(validate.errors ?? [], 'body');
    throw new ValidationFailedError(`Invalid ${Object.keys(errors).join(', ')}`, errors);
  }
  const request = body as Partial<EvaluationInput> & Pick<EvaluationInput, 'action'>;
  const input: EvaluationInput = {
    action: request.action,
    context: request.context ?? {},
    mode: request.mode ?? 'enforce',
  };
  const sizes = { action: canonicalSize(input.action, 'action'), context: 0 };
  sizes.context = canonicalSize(input.context, 'context');
  const total = sizes.action + sizes.context;
  if (total > maxBytes) {
    const message = (field: 'action' | 'context') =>
      `is ${sizes[field]} bytes of canonical JSON; action and context together may be at most ${maxBytes} (they are ${total})`;
    const fields = (['action', 'context'] as const).filter(
      (f) => f === 'action' || Object.keys(input.context).length > 0,
    );
    throw new InputTooLargeError(
      `action and context are ${total} bytes of canonical JSON; the limit is ${maxBytes}`,
      Object.fromEntries(fields.map((f) => [f, [message(f)]])),
    );
  }
  return input;
}

function canonicalSize(value: unknown, field: string): number {
  try {
    return Buffer.byteLength(canonicalJson(value), 'utf8');
  } catch (error) {
    if (error instanceof CanonicalJsonError) {
      const message = error.message.replace(
        ` at ${error.path}`,
        ` at ${error.path.replace(/^\$/, field)}`,
      );
      throw new ValidationFailedError(`Invalid ${field}`, { [field]: [message] });
    }
    throw error;
  }
}
