import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LoadedAxioms } from './axioms/axiom-set';
import { parseAxiomsText } from './axioms/parse-axioms';
import { assess } from './evaluation/evaluate';
import type { ActionInput, Verdict } from './evaluation/types';
import scenarios from './scenarios.json';

interface Scenario {
  name: string;
  action: ActionInput;
  context?: Record<string, unknown>;
  /** Verdicts of earlier decisions on the same subject, newest first. */
  history?: Verdict[];
  expect: Verdict;
  /** The forbid and require axioms that fire (or go unmet), in file order. */
  duties: string[];
}

const ROOT = join(__dirname, '../../..');

function defaultAxioms(): LoadedAxioms {
  const parsed = parseAxiomsText(readFileSync(join(ROOT, 'axioms.json'), 'utf8'));
  if (!parsed.ok) {
    throw new Error(`axioms.json is invalid: ${JSON.stringify(parsed.errors)}`);
  }
  return { set: parsed.set, digest: parsed.digest, source: 'file', path: null, loadedAt: '' };
}

/** The committed table of scenario actions and their verdicts under the shipped axioms.json. */
describe('default axioms scenarios', () => {
  const axioms = defaultAxioms();
  const table = scenarios as Scenario[];

  it('should hold at least 30 scenarios covering every verdict', () => {
    expect(table.length).toBeGreaterThanOrEqual(30);
    expect(new Set(table.map((s) => s.expect))).toEqual(new Set(['allow', 'deny', 'escalate']));
    expect(new Set(table.map((s) => s.name)).size).toBe(table.length);
  });

  it('should ship at least 12 axioms, each with a rationale', () => {
    expect(axioms.set.axioms.length).toBeGreaterThanOrEqual(12);
    axioms.set.axioms.forEach((a) => expect(a.rationale.length).toBeGreaterThan(20));
  });

  it.each(table.map((s) => [s.name, s] as const))('should decide %s', (_name, scenario) => {
    const result = assess(
      axioms,
      { action: scenario.action, context: scenario.context ?? {}, mode: 'enforce' },
      { subject: 'scenario', asOfTreeSize: 0, verdicts: scenario.history ?? [] },
    );
    expect({
      verdict: result.verdict,
      duties: result.perspectives.deontic.axioms
        .filter((a) => a.effect !== 'weigh')
        .map((a) => a.id),
    }).toEqual({ verdict: scenario.expect, duties: scenario.duties });
  });
});
