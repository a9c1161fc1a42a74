import { Injectable } from '@nestjs/common';
import { parseDuration } from '../../common/duration';
import { ValidationFailedError } from '../../common/errors/validation';
import { ComponentBoundary } from '../../kernel';
import { type LeafTags, MemoryService } from '../memory/memory.service';
import { AxiomsService } from './axioms.service';
import { toAxiomsDto, toDecisionRecord } from './conscience.mapper';
import { DecisionForgottenError, DecisionNotFoundError } from './conscience.errors';
import type { AlignmentDto, AlignmentQuery } from './dto/alignment.dto';
import type { AxiomsDto } from './dto/axioms.dto';
import type { DecisionPageDto, DecisionRecordDto, ListEvaluationsQuery } from './dto/decision.dto';
import type { EvaluationDto } from './dto/evaluation.dto';
import { alignmentStatistics } from './evaluation/alignment-stats';
import {
  actionTag,
  DECISION_KIND,
  decisionTags,
  subjectOf,
  subjectTag,
  verdictOfTags,
  verdictTag,
} from './evaluation/decision-tags';
import { assess } from './evaluation/evaluate';
import { applyMask } from './evaluation/masking';
import type {
  DecisionContent,
  EvaluationInput,
  EvaluationResult,
  PrecedentHistory,
  Verdict,
} from './evaluation/types';

const DEFAULT_WINDOW = '24h';
const MAX_WINDOW_MS = 366 * 86_400_000;
/** Decisions one alignment read takes at most (their tags only). */
export const MAX_STATS_DECISIONS = 10_000;
const STATS_PAGE = 1000;
const CLOCK_SLACK_MS = 60_000;

/**
 * TriuneConscience use cases. An evaluation calls into the memory component through the
 * component boundary (precedent read, then append), so that with memory down it fails at once
 * with 503 and nothing queues. Reading decisions back does not: decisions are committed rows,
 * read through the memory module's read API (no component state involved), so history,
 * statistics and axioms stay available while the memory component is stopped or failed.
 */
@Injectable()
export class ConscienceService {
  constructor(
    private readonly axioms: AxiomsService,
    private readonly memories: MemoryService,
    private readonly boundary: ComponentBoundary,
  ) {}

  /** Evaluates an action on the axioms in service and appends the decision to the log. */
  async evaluate(input: EvaluationInput): Promise<EvaluationDto> {
    const started = performance.now();
    const evaluatedAt = new Date().toISOString();
    // Taken once: a reload meanwhile does not change this decision's axioms.
    const axioms = this.axioms.current();
    const subject = subjectOf(input.action);
    const history = await this.boundary.call('memory', () =>
      this.precedent(subject, axioms.set.precedent.window),
    );
    const assessment = assess(axioms, input, history);
    const result: EvaluationResult = {
      ...assessment,
      evaluatedAt,
      durationMs: Math.round((performance.now() - started) * 1000) / 1000,
    };
    const content: DecisionContent = {
      v: 1,
      input: applyMask(input, axioms.set.mask),
      result,
      axiomsVersion: axioms.set.version,
    };
    const stored = await this.boundary.call('memory', () =>
      this.memories.store(
        { content, kind: DECISION_KIND, tags: decisionTags(input.action, subject, assessment) },
        { reservedKind: true },
      ),
    );
    return { id: stored.id, ...result, memoryId: stored.id, leafIndex: stored.leafIndex };
  }

  /** A decision read back from the log (not a recall: it is not reinforced). */
  async get(id: string): Promise<DecisionRecordDto> {
    const leaf = await this.memories.peek(id);
    if (!leaf || leaf.kind !== DECISION_KIND) {
      throw new DecisionNotFoundError(id);
    }
    if (leaf.content === null) {
      throw new DecisionForgottenError(id, leaf.forgottenAt ?? leaf.createdAt);
    }
    return toDecisionRecord(leaf);
  }

  /** Decisions, newest first, filtered through their tags. */
  async list(query: ListEvaluationsQuery): Promise<DecisionPageDto> {
    const tags = [
      ...(query.verdict ? [verdictTag(query.verdict)] : []),
      ...(query.actionType !== undefined ? [actionTag(query.actionType)] : []),
    ];
    const page = await this.memories.list(
      {
        kind: DECISION_KIND,
        since: query.since,
        limit: query.limit,
        cursor: query.cursor,
        includeContent: true,
      },
      tags,
    );
    return { items: page.items.map(toDecisionRecord), nextCursor: page.nextCursor };
  }

  /** Alignment statistics over the decisions logged within the window. */
  async alignment(query: AlignmentQuery): Promise<AlignmentDto> {
    const window = query.window ?? DEFAULT_WINDOW;
    const windowMs = parseDuration(window);
    if (windowMs > MAX_WINDOW_MS) {
      throw new ValidationFailedError('Invalid window', { window: ['must be at most 366d'] });
    }
    const until = Date.now();
    const since = until - windowMs;
    const { decisions, truncated } = await this.decisionsBetween(since, until);
    return {
      window,
      since: new Date(since).toISOString(),
      until: new Date(until).toISOString(),
      ...alignmentStatistics(decisions),
      truncated,
    };
  }

  axiomsInService(): AxiomsDto {
    return toAxiomsDto(
      this.axioms.current(),
      this.axioms.degradedReason(),
      this.axioms.lastReloadOutcome(),
    );
  }

  /** Admin: reads the axioms file again (422 and no change when it is invalid). */
  async reloadAxioms(): Promise<AxiomsDto> {
    await this.axioms.reload('admin');
    return this.axiomsInService();
  }

  /**
   * The tags of the decisions created in [since, until], newest first, at most
   * MAX_STATS_DECISIONS. Reads the log backwards by leaf index (an index range, no sort) and
   * stops once past the window: creation times follow leaf order up to the append queue's
   * reordering, which CLOCK_SLACK_MS covers.
   */
  private async decisionsBetween(
    since: number,
    until: number,
  ): Promise<{ decisions: LeafTags[]; truncated: boolean }> {
    const decisions: LeafTags[] = [];
    let before: number | undefined;
    for (;;) {
      const rows = await this.memories.leafTags({
        kind: DECISION_KIND,
        beforeLeafIndex: before,
        limit: STATS_PAGE,
      });
      for (const row of rows) {
        const created = Date.parse(row.createdAt);
        if (created >= since && created <= until) {
          if (decisions.length === MAX_STATS_DECISIONS) {
            return { decisions, truncated: true };
          }
          decisions.push(row);
        }
      }
      const oldest = rows.at(-1);
      if (
        !oldest ||
        rows.length < STATS_PAGE ||
        Date.parse(oldest.createdAt) < since - CLOCK_SLACK_MS
      ) {
        return { decisions, truncated: false };
      }
      before = oldest.leafIndex;
    }
  }

  /**
   * The latest decisions on the subject already in the log when the evaluation began: read
   * from their tags, bounded by the tree size, so the same log always gives the same precedent.
   */
  private async precedent(subject: string, window: number): Promise<PrecedentHistory> {
    const { treeSize, tags } = await this.memories.latestTagged(
      DECISION_KIND,
      subjectTag(subject),
      window,
    );
    const verdicts = tags.map(verdictOfTags).filter((v): v is Verdict => v !== null);
    return { subject, asOfTreeSize: treeSize, verdicts };
  }
}
