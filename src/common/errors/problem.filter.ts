import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DomainError, InvalidInputError } from './domain-error';
import { defaultCode, Problem, PROBLEM_CONTENT_TYPE, problemType, statusTitle } from './problem';

/** Fastify's own errors (raised before a handler runs), mapped to stable codes. */
const FASTIFY_CODES: Record<string, string> = {
  FST_ERR_CTP_INVALID_JSON_BODY: 'malformed_json',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'malformed_json',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported_media_type',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'bad_request',
  FST_ERR_CTP_BODY_TOO_LARGE: 'payload_too_large',
};

/**
 * The one global filter: every error response is RFC 9457 problem+json carrying the request id.
 * Domain errors map by their status and code; HttpExceptions pass through with their status;
 * anything else is a 500 that says nothing of its cause and is logged once, with its stack.
 */
@Catch()
export class ProblemFilter implements ExceptionFilter {
  private readonly logger = new Logger('ProblemFilter');

  catch(exception: unknown, host: ArgumentsHost): void {
    const ctx = host.switchToHttp();
    const request = ctx.getRequest<FastifyRequest>();
    const reply = ctx.getResponse<FastifyReply>();
    const requestId = String(request.id);
    const { problem, headers } = this.toProblem(exception, requestId);
    if (problem.status >= 500 && !(exception instanceof DomainError)) {
      this.logger.error(
        { err: exception, requestId, method: request.method, url: request.url },
        'unhandled error',
      );
    }
    if (reply.sent) {
      return;
    }
    void reply
      .status(problem.status)
      .headers({ ...headers, 'content-type': PROBLEM_CONTENT_TYPE, 'cache-control': 'no-store' })
      .send(problem);
  }

  private toProblem(
    exception: unknown,
    requestId: string,
  ): { problem: Problem; headers: Record<string, string> } {
    if (exception instanceof DomainError) {
      return {
        problem: {
          ...exception.extensions,
          type: problemType(exception.code),
          title: exception.title,
          status: exception.status,
          detail: exception.message,
          code: exception.code,
          requestId,
          ...(exception instanceof InvalidInputError && exception.fieldErrors
            ? { errors: exception.fieldErrors }
            : {}),
        },
        headers: exception.headers,
      };
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const cause = exception.cause as { code?: unknown } | undefined;
      const code =
        (typeof cause?.code === 'string' ? FASTIFY_CODES[cause.code] : undefined) ??
        (status === 404 ? 'route_not_found' : defaultCode(status));
      return {
        problem: {
          type: problemType(code),
          title: statusTitle(status),
          status,
          detail: status >= 500 ? statusTitle(status) : this.detailOf(exception),
          code,
          requestId,
        },
        headers: {},
      };
    }
    return {
      problem: {
        type: problemType('internal_error'),
        title: statusTitle(500),
        status: 500,
        detail: 'The server failed to handle the request. Quote the requestId when reporting it.',
        code: 'internal_error',
        requestId,
      },
      headers: {},
    };
  }

  private detailOf(exception: HttpException): string {
    const response = exception.getResponse();
    if (typeof response === 'string') {
      return response;
    }
    const message = (response as { message?: unknown }).message;
    if (Array.isArray(message)) {
      return message.join('; ');
    }
    return typeof message === 'string' ? message : exception.message;
  }
}
