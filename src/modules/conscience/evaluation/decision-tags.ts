import { createHash } from 'node:crypto';
import { canonicalJson } from '../../memory/leaf';
import type { ActionInput, Assessment, Verdict } from './types';
import { VERDICTS } from './types';

/**
 * How decisions are indexed in the memory log. Tags are leaf fields (covered by the leaf hash),
 * so the precedent perspective and the alignment statistics are computed from tags alone:
 * verifiable, and cheap to read. Every tag costs two index entries per decision, so only what a
 * query reads is a tag (the mode, for one, is in the content only).
 *
 *   verdict:<allow|deny|escalate>   alignment:<0.0000…1>
 *   action:<type>            the action type, when it is a valid tag body (else action-h:<hash>)
 *   target:<hash>            SHA-256 prefix of the target's canonical JSON, when there is one
 *   subject:<hash>           SHA-256 prefix of the canonical JSON of [type, target or null]
 *   degraded                 decided on the built-in fallback axioms
 */
export const DECISION_KIND = 'decision';

const TAG = /^[a-z0-9:._-]{1,64}$/;
const HASH_CHARS = 32;

function digest(value: unknown): string {
  return createHash('sha256')
    .update(canonicalJson(value), 'utf8')
    .digest('hex')
    .slice(0, HASH_CHARS);
}

/** The tag for an action type: in clear when it fits a tag, hashed otherwise (upper case, spaces, length). */
export function actionTag(type: string): string {
  const clear = `action:${type}`;
  return TAG.test(clear) ? clear : `action-h:${digest(type)}`;
}

export function verdictTag(verdict: Verdict): string {
  return `verdict:${verdict}`;
}

/** Identifies the action type and target whose earlier decisions form the precedent. */
export function subjectOf(action: Pick<ActionInput, 'type' | 'target'>): string {
  return digest([action.type, action.target ?? null]);
}

export function subjectTag(subject: string): string {
  return `subject:${subject}`;
}

export function decisionTags(
  action: ActionInput,
  subject: string,
  assessment: Pick<Assessment, 'verdict' | 'alignment' | 'degraded'>,
): string[] {
  const tags = [
    verdictTag(assessment.verdict),
    `alignment:${assessment.alignment}`,
    actionTag(action.type),
    subjectTag(subject),
  ];
  if (action.target !== undefined) {
    tags.push(`target:${digest(action.target)}`);
  }
  if (assessment.degraded) {
    tags.push('degraded');
  }
  return tags.sort();
}

/** `verdict:<v>` → v: one lookup per tag (the precedent reads 20 decisions' tags per evaluation). */
const VERDICT_OF_TAG = new Map<string, Verdict>(VERDICTS.map((v) => [verdictTag(v), v]));

export function verdictOfTags(tags: readonly string[]): Verdict | null {
  for (const tag of tags) {
    const verdict = VERDICT_OF_TAG.get(tag);
    if (verdict !== undefined) {
      return verdict;
    }
  }
  return null;
}

export function alignmentOfTags(tags: readonly string[]): number | null {
  const tag = tags.find((t) => t.startsWith('alignment:'));
  const value = tag === undefined ? NaN : Number(tag.slice('alignment:'.length));
  return Number.isFinite(value) ? value : null;
}
