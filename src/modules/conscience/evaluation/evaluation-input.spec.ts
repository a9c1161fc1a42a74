import { ValidationFailedError } from '../../../common/errors/validation';
import { InputTooLargeError } from '../conscience.errors';
import { parseEvaluationInput } from './evaluation-input';

const MAX = 4096;

function fieldsOf(body: unknown): Record<string, string[]> {
  try {
    parseEvaluationInput(body, MAX);
  } catch (error) {
    if (error instanceof ValidationFailedError || error instanceof InputTooLargeError) {
      return error.fieldErrors ?? {};
    }
    throw error;
  }
  throw new Error('expected the body to be refused');
}

describe(parseEvaluationInput.name, () => {
  it('should default the context and the mode and keep the action’s own fields', () => {
    const action = {
      type: 'deploy',
      target: { service: 'api' },
      replicas: 3,
      impact: { scope: 2e-1 },
    };
    expect(parseEvaluationInput({ action }, MAX)).toEqual({ action, context: {}, mode: 'enforce' });
    expect(
      parseEvaluationInput({ action: { type: 'x' }, context: { a: 1 }, mode: 'monitor' }, MAX),
    ).toEqual({ action: { type: 'x' }, context: { a: 1 }, mode: 'monitor' });
  });

  it('should name a missing action, a missing type and unknown top-level fields', () => {
    expect(fieldsOf({})).toEqual({ action: ['is required'] });
    expect(fieldsOf({ action: { description: 'd' }, extra: 1 })).toEqual({
      'action.type': ['is required'],
      extra: ['is not allowed'],
    });
    expect(fieldsOf([])).toEqual({ body: ['must be object'] });
  });

  it('should name every field of the wrong type or out of range', () => {
    expect(
      fieldsOf({
        action: {
          type: 7,
          reversible: 'no',
          target: 5,
          impact: { harm: 2, benefit: '0.5', scope: 'planet', other: 1 },
        },
        context: 'ctx',
        mode: 'audit',
      }),
    ).toEqual({
      'action.type': ['must be string'],
      'action.reversible': ['must be boolean'],
      'action.target': ['must be string, or must be object'],
      'action.impact.harm': ['must be <= 1'],
      'action.impact.benefit': ['must be number'],
      'action.impact.scope': [
        'must be one of self, individual, group, organization, public, or must be number',
      ],
      'action.impact.other': ['is not allowed'],
      context: ['must be object'],
      mode: ['must be one of enforce, monitor'],
    });
    expect(fieldsOf({ action: { type: '' } })).toEqual({
      'action.type': ['must NOT have fewer than 1 characters'],
    });
  });

  it('should refuse action and context over the limit with a 400 that names them', () => {
    const big = 'x'.repeat(MAX);
    let error: unknown;
    try {
      parseEvaluationInput({ action: { type: 't' }, context: { big } }, MAX);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InputTooLargeError);
    expect((error as InputTooLargeError).status).toBe(400);
    expect((error as InputTooLargeError).code).toBe('input_too_large');
    expect(Object.keys((error as InputTooLargeError).fieldErrors ?? {})).toEqual([
      'action',
      'context',
    ]);
    expect(fieldsOf({ action: { type: 't', notes: big } })).toEqual({
      action: [expect.stringMatching(/^is \d+ bytes of canonical JSON; .* at most 4096/)],
    });
  });

  it('should accept input exactly at the limit', () => {
    const overhead = Buffer.byteLength('{"notes":"","type":"t"}') + Buffer.byteLength('{}');
    const action = { type: 't', notes: 'x'.repeat(MAX - overhead) };
    expect(parseEvaluationInput({ action }, MAX).action).toBe(action);
  });

  it('should refuse a string that has no canonical form, naming where it is', () => {
    expect(fieldsOf({ action: { type: 't', note: '\ud800' } })).toEqual({
      action: [expect.stringContaining('action["note"]')],
    });
  });
});
