import { Injectable, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import { InFlight } from './in-flight';

/**
 * Counts HTTP requests in progress, from the moment their headers arrive until their response
 * is finished or their connection drops. Shutdown stops the components only once these are
 * answered: a request accepted before SIGTERM whose body is still arriving has not reached the
 * component boundary yet, and must still find its component running.
 */
@Injectable()
export class HttpRequests implements OnModuleInit {
  readonly inFlight = new InFlight();
  private readonly leave = (): void => this.inFlight.leave();

  constructor(private readonly adapterHost: HttpAdapterHost) {}

  onModuleInit(): void {
    // Absent in an application context without HTTP (e.g. a CLI).
    const fastify = this.adapterHost.httpAdapter?.getInstance<FastifyInstance>();
    if (typeof fastify?.addHook !== 'function') {
      return;
    }
    fastify.addHook('onRequest', (_request, reply, done) => {
      this.inFlight.enter();
      // 'close' comes once the response is finished or the connection is gone, exactly once;
      // a plain listener (no once() wrapper) on a response that is never reused.
      reply.raw.on('close', this.leave);
      done();
    });
  }
}
