import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional, ApiResponse } from '@nestjs/swagger';
import { STATUS_CODES } from 'node:http';

/** RFC 9457 problem details, for the OpenAPI document. */
export class ProblemDto {
  @ApiProperty({ example: '/docs/errors#validation_failed' })
  type!: string;

  @ApiProperty({ example: 'Bad Request' })
  title!: string;

  @ApiProperty({ example: 400 })
  status!: number;

  @ApiProperty({ example: 'Invalid kind' })
  detail!: string;

  @ApiProperty({ example: 'validation_failed', description: 'Stable machine-readable code.' })
  code!: string;

  @ApiProperty({ description: 'Equals the x-request-id response header.' })
  requestId!: string;

  @ApiPropertyOptional({
    description: 'Per-field messages, for validation errors.',
    type: 'object',
    additionalProperties: { type: 'array', items: { type: 'string' } },
    example: { kind: ['kind must match [a-z0-9-]{1,64}'] },
  })
  errors?: Record<string, string[]>;
}

/** Documents problem+json responses for the given statuses. */
export function ApiProblems(...statuses: number[]): MethodDecorator & ClassDecorator {
  return applyDecorators(
    ...statuses.map((status) =>
      ApiResponse({
        status,
        description: STATUS_CODES[status] ?? 'Error',
        content: {
          'application/problem+json': { schema: { $ref: '#/components/schemas/ProblemDto' } },
        },
      }),
    ),
  );
}
