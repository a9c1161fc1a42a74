import { Inject, Injectable, PipeTransform } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '../../config/app-config';
import { parseEvaluationInput } from './evaluation/evaluation-input';
import type { EvaluationInput } from './evaluation/types';

/**
 * Validates an evaluation request against its JSON Schema (the action may carry fields of its
 * own, which the global ValidationPipe would refuse) and its size: a 400 naming every bad field.
 */
@Injectable()
export class ParseEvaluationPipe implements PipeTransform<unknown, EvaluationInput> {
  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  transform(body: unknown): EvaluationInput {
    return parseEvaluationInput(body, this.config.conscience.maxInputBytes);
  }
}
