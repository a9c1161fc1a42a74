import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BUILTIN_AXIOMS_DOCUMENT, builtinAxioms } from './builtin-axioms';
import { parseAxioms, parseAxiomsText } from './parse-axioms';
import schema from './axioms.schema.json';

const ROOT = join(__dirname, '../../../..');

function validDocument(): Record<string, unknown> & { axioms: Array<Record<string, unknown>> } {
  return {
    version: '1.0.0',
    thresholds: { allow: 0.6, maxSpread: 0.5 },
    perspectiveWeights: { deontic: 0.5, consequential: 0.3, precedent: 0.2 },
    axioms: [
      {
        id: 'no-harm',
        title: 'No harm',
        perspective: 'deontic',
        effect: 'forbid',
        when: { '>': [{ var: 'action.impact.harm' }, 0.9] },
        rationale: 'Because.',
      },
    ],
  };
}

function errorsOf(document: unknown): Record<string, string[]> {
  const result = parseAxioms(document);
  if (result.ok) {
    throw new Error('expected the document to be invalid');
  }
  return result.errors;
}

describe(parseAxioms.name, () => {
  it('should accept the shipped axioms.json and the built-in fallback', () => {
    const shipped = parseAxiomsText(readFileSync(join(ROOT, 'axioms.json'), 'utf8'));
    expect(shipped.ok).toBe(true);
    expect(builtinAxioms().set.version).toBe(BUILTIN_AXIOMS_DOCUMENT.version);
  });

  it('should publish exactly the schema it validates with (docs/axioms.schema.json)', () => {
    const published = JSON.parse(readFileSync(join(ROOT, 'docs/axioms.schema.json'), 'utf8'));
    expect(published).toEqual(schema);
  });

  it('should fill the defaults, freeze the set and give it a stable digest', () => {
    const result = parseAxioms(validDocument());
    if (!result.ok) {
      throw new Error(JSON.stringify(result.errors));
    }
    expect(result.set.precedent).toEqual({ window: 20, priorWeight: 2 });
    expect(result.set.mask).toEqual([]);
    expect(result.set.axioms[0].weight).toBe(1);
    expect(Object.isFrozen(result.set.axioms[0])).toBe(true);
    expect(result.digest).toMatch(/^[0-9a-f]{64}$/);
    const reordered = Object.fromEntries(Object.entries(validDocument()).reverse());
    expect(parseAxioms(reordered)).toMatchObject({ ok: true, digest: result.digest });
  });

  it('should name the missing and unknown fields', () => {
    const document = validDocument();
    delete document.version;
    document.extra = true;
    delete document.axioms[0].rationale;
    expect(errorsOf(document)).toEqual({
      version: ['is required'],
      extra: ['is not allowed'],
      'axioms.0.rationale': ['is required'],
    });
  });

  it('should name a wrong effect, perspective and weight', () => {
    const document = validDocument();
    document.axioms[0] = {
      ...document.axioms[0],
      effect: 'veto',
      perspective: 'karma',
      weight: 2,
    };
    expect(errorsOf(document)).toEqual({
      'axioms.0.effect': ['must be one of forbid, require, weigh'],
      'axioms.0.perspective': ['must be one of deontic, consequential, precedent'],
      'axioms.0.weight': ['must be <= 1'],
    });
  });

  it('should require `requires` and a positive weight for a require, and refuse it elsewhere', () => {
    const document = validDocument();
    document.axioms.push(
      { ...document.axioms[0], id: 'r', effect: 'require', weight: -0.2 },
      { ...document.axioms[0], id: 'w', effect: 'weigh', weight: 0.1, requires: true },
      { ...document.axioms[0], id: 'v', effect: 'weigh' },
    );
    expect(errorsOf(document)).toEqual({
      'axioms.1.requires': ['is required'],
      'axioms.1.weight': ['must be > 0'],
      'axioms.2.requires': ['is not allowed here'],
      'axioms.3.weight': ['is required'],
    });
  });

  it('should refuse duplicate ids, unknown or unsafe operations and all-zero weights', () => {
    const document = validDocument();
    document.axioms.push(
      { ...document.axioms[0] },
      { ...document.axioms[0], id: 'logs', when: { and: [true, { log: 'x' }] } },
      { ...document.axioms[0], id: 'calls', when: { method: ['x', 'toUpperCase'] } },
      { ...document.axioms[0], id: 'typo', when: { '=>': [1, 2] } },
    );
    document.perspectiveWeights = { deontic: 0, consequential: 0, precedent: 0 };
    expect(errorsOf(document)).toEqual({
      'axioms.1.id': ['duplicates the id of axioms.0'],
      'axioms.2.when.and.1': ['uses the operation "log", which axioms may not use'],
      'axioms.3.when': ['uses the operation "method", which axioms may not use'],
      'axioms.4.when': ['uses the operation "=>", which axioms may not use'],
      perspectiveWeights: ['at least one perspective needs a weight above 0'],
    });
  });

  it('should accept mask pointers into action and context, except the action type', () => {
    const document = validDocument();
    document.mask = ['/context/user/email', '/context/*/token', '/action/a~1b'];
    expect(parseAxioms(document).ok).toBe(true);
    document.mask = ['/action/type', '/secret', 'context/x'];
    const errors = errorsOf(document);
    expect(Object.keys(errors).sort()).toEqual(['mask.1', 'mask.2']);
    document.mask = ['/action/type'];
    expect(errorsOf(document)).toEqual({
      'mask.0': ['/action/type cannot be masked: the action type indexes decisions'],
    });
  });

  it('should report a file that is not JSON', () => {
    const result = parseAxiomsText('{ "version": ');
    expect(result.ok).toBe(false);
    expect(!result.ok && Object.keys(result.errors)).toEqual(['file']);
  });
});
