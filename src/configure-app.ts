import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { Logger, PinoLogger } from 'nestjs-pino';
import { isQuietPath } from './common/logging/logging.module';
import { runWithRequestLog } from './common/logging/request-log-context';
import type { AppConfig } from './config/environment';
import { ProblemDto } from './common/errors/problem.dto';
import {
  clientErrorHandler,
  frameworkErrorHandler,
  problemBeforeHandler,
} from './common/errors/framework-errors';
import { ProblemFilter } from './common/errors/problem.filter';
import { createValidationPipe } from './common/errors/validation';
import { installJsonParser, requestTextError } from './common/json-body';
import { REQUEST_ID_HEADER, requestIdFor } from './common/request-id';
import { MAX_PATH_PARAM_CHARS } from './common/text-rules';
import { installProbeFastPath, probeServerFactory } from './health/probe-fast-path';
import { httpObserver } from './metrics/http-metrics';

/** The Fastify adapter with the server-level settings main.ts and the e2e harness share. */
export function createAdapter(config: AppConfig): FastifyAdapter {
  return new FastifyAdapter({
    bodyLimit: config.bodyLimitBytes,
    // Fastify's default (100) answered 414 for subjects the observations route accepts.
    routerOptions: { maxParamLength: MAX_PATH_PARAM_CHARS },
    genReqId: requestIdFor,
    // Nest's logger (pino, see LoggingModule) writes the access log.
    logger: false,
    // Behind a Kubernetes Service the client address is the proxy's; keep it simple and explicit.
    trustProxy: false,
    return503OnClosing: true,
    // Cached probe answers skip the request pipeline (src/health/probe-fast-path.ts).
    serverFactory: probeServerFactory(),
    // Errors Fastify and node would answer in their own shape, without x-request-id.
    frameworkErrors: frameworkErrorHandler,
    clientErrorHandler,
  });
}

/**
 * Options for NestFactory.create and createNestApplication. Nest's own body parsers are off:
 * Fastify's JSON parser (with its body limit and prototype-poisoning guard) is the only one,
 * so a form or any other body type is a 415.
 */
export const NEST_APP_OPTIONS = {
  bufferLogs: true,
  // Nest's own flag (the adapter option above is Fastify's, which acts only once the server
  // closes): new requests get 503 from the first moment of shutdown, while hooks still run.
  return503OnClosing: true,
  bodyParser: false,
  abortOnError: false,
} as const;

/** Pipes, filters, headers, Swagger and shutdown behaviour, identical in main.ts and tests. */
export function configureApp(app: NestFastifyApplication, config: AppConfig): void {
  app.useLogger(app.get(Logger));
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new ProblemFilter());
  const fastify = app.getHttpAdapter().getInstance();
  // The API speaks JSON only: any other body type is a 415, not a string for validation to reject.
  fastify.removeContentTypeParser(['text/plain']);
  installJsonParser(fastify, config.maxJsonDepth);
  // NUL and lone surrogates are refused in paths and queries as in bodies, on both databases.
  fastify.addHook('preValidation', (request, _reply, done) => {
    done(requestTextError(request.params, request.query) ?? undefined);
  });
  // Requests whose answer a handler (or the filter) wrote; the others were answered by a hook.
  const reachedHandler = new WeakSet<object>();
  // Log lines written while serving the request name it (see request-log-context.ts). At
  // preHandler, the handler runs in this same call, whether or not a body was read first.
  fastify.addHook('preHandler', (request, _reply, done) => {
    reachedHandler.add(request);
    runWithRequestLog({ id: request.id, method: request.method, url: request.url }, done);
  });
  // onSend runs for every reply, including those that hooks and the 404 handler send.
  fastify.addHook('onSend', (request, reply, payload, done) => {
    void reply.header(REQUEST_ID_HEADER, request.id);
    // Probes and /metrics keep their own shape (the kubelet reads only the status).
    const keep = reachedHandler.has(request) || isQuietPath(request.url);
    done(null, keep ? payload : problemBeforeHandler(reply, payload));
  });
  // One hook for the HTTP histogram and the access log: the route template is read once.
  const observe = httpObserver(app);
  fastify.addHook('onResponse', (request, reply, done) => {
    const accessLog = PinoLogger.root;
    const route = request.routeOptions.url;
    const { method, url } = request;
    const { statusCode, elapsedTime } = reply;
    observe(method, route, statusCode, elapsedTime / 1000);
    if (accessLog.isLevelEnabled('info') && !isQuietPath(url)) {
      accessLog.info(
        {
          reqId: request.id,
          method,
          url,
          route,
          statusCode,
          responseTime: Math.round(elapsedTime * 100) / 100,
        },
        'request completed',
      );
    }
    done();
  });
  installProbeFastPath(app);
  setUpSwagger(app, config);
}

function setUpSwagger(app: NestFastifyApplication, _config: AppConfig): void {
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Phoenix Kernel')
      .setDescription(
        'Tamper-evident long-term memory (PlasticLTM), an axiom-based action evaluator ' +
          '(TriuneConscience) and a world model projected from the memory log. ' +
          'Errors are RFC 9457 application/problem+json; every response carries x-request-id.',
      )
      .setVersion('1')
      .addBearerAuth(
        { type: 'http', scheme: 'bearer', description: 'PHOENIX_ADMIN_TOKEN' },
        'admin',
      )
      .build(),
    { extraModels: [ProblemDto] },
  );
  SwaggerModule.setup('docs', app, document, {
    jsonDocumentUrl: 'docs-json',
    yamlDocumentUrl: 'docs-yaml',
  });
}
