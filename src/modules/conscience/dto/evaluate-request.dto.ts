import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { MODES, type Mode, SCOPES } from '../evaluation/types';

/** For the OpenAPI document; the body is validated by ParseEvaluationPipe (JSON Schema). */
export class ActionImpactDto {
  @ApiPropertyOptional({
    minimum: 0,
    maximum: 1,
    description: 'How much harm, 0 none to 1 severe.',
  })
  harm?: number;

  @ApiPropertyOptional({ minimum: 0, maximum: 1, description: 'How much benefit, 0 to 1.' })
  benefit?: number;

  @ApiPropertyOptional({
    oneOf: [
      { type: 'string', enum: Object.keys(SCOPES) },
      { type: 'number', minimum: 0, maximum: 1 },
    ],
    description: 'Who is affected: a named scope or a number in [0, 1]. Default individual.',
    example: 'group',
  })
  scope?: string | number;
}

export class ActionDto {
  @ApiProperty({ minLength: 1, maxLength: 256, example: 'send-email' })
  type!: string;

  @ApiPropertyOptional({ maxLength: 4096 })
  description?: string;

  @ApiPropertyOptional({
    oneOf: [{ type: 'string', maxLength: 1024 }, { type: 'object' }],
    description: 'What the action acts on; with the type, it selects the precedent.',
    example: 'customer:1234',
  })
  target?: string | Record<string, unknown>;

  @ApiPropertyOptional()
  reversible?: boolean;

  @ApiPropertyOptional({ type: ActionImpactDto })
  impact?: ActionImpactDto;
}

export class EvaluateRequestDto {
  @ApiProperty({
    type: ActionDto,
    description:
      'The proposed action. Fields other than the known ones are allowed and visible to axioms.',
  })
  action!: ActionDto;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description: 'Anything the axioms may consult (consent, approver, purpose, …).',
    example: { consent: true, approvedBy: 'ops-lead' },
  })
  context?: Record<string, unknown>;

  @ApiPropertyOptional({
    enum: MODES,
    default: 'enforce',
    description: 'monitor: the verdict is computed, logged and returned with enforced: false.',
  })
  mode?: Mode;
}
