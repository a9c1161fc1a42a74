import jsonLogic, { type RulesLogic } from 'json-logic-js';

/**
 * The JSONLogic operations an axiom may use: the standard set of json-logic-js, minus `log`
 * (writes to the console) and `method` (calls arbitrary methods of the data).
 */
const ALLOWED_OPERATIONS = new Set([
  '==',
  '===',
  '!=',
  '!==',
  '>',
  '>=',
  '<',
  '<=',
  '!!',
  '!',
  '%',
  'in',
  'cat',
  'substr',
  '+',
  '*',
  '-',
  '/',
  'min',
  'max',
  'merge',
  'var',
  'missing',
  'missing_some',
  'if',
  '?:',
  'and',
  'or',
  'filter',
  'map',
  'reduce',
  'all',
  'none',
  'some',
]);

const MAX_DEPTH = 32;

/**
 * Problems with a rule that would only show when it runs: unknown or forbidden operations and
 * runaway nesting. Paths are dotted from `path`. An empty list means the rule is usable.
 */
export function ruleProblems(rule: unknown, path: string, depth = 0): Array<[string, string]> {
  if (depth > MAX_DEPTH) {
    return [[path, `is nested more than ${MAX_DEPTH} levels deep`]];
  }
  if (Array.isArray(rule)) {
    return rule.flatMap((item, i) => ruleProblems(item, `${path}.${i}`, depth + 1));
  }
  if (rule === null || typeof rule !== 'object') {
    return [];
  }
  const keys = Object.keys(rule);
  if (keys.length !== 1) {
    // JSONLogic treats an object with several keys as a literal value.
    return [];
  }
  const op = keys[0];
  if (!ALLOWED_OPERATIONS.has(op)) {
    return [[path, `uses the operation ${JSON.stringify(op)}, which axioms may not use`]];
  }
  return ruleProblems((rule as Record<string, unknown>)[op], `${path}.${op}`, depth + 1);
}

/** Applies a rule and reads its result with JSONLogic truthiness (as JavaScript, but [] is false). */
export function holds(rule: RulesLogic, data: object): boolean {
  return jsonLogic.truthy(jsonLogic.apply(rule, data)) === true;
}
