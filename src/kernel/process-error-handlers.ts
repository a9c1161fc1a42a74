import { Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { ComponentRegistry } from './component-registry';
import { currentComponentContext } from './kernel-context';

/**
 * Last line of defence: an unhandled rejection or uncaught exception is logged and attributed to
 * the component whose work raised it (AsyncLocalStorage), and never takes the process down. One
 * raised by a component's own background work (started from start()) fails that component, and
 * the supervisor restarts it; one raised while serving a call is only counted, like any error
 * of a call. Installed once per application, removed at shutdown.
 */
@Injectable()
export class ProcessErrorHandlers implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('Kernel');
  private installed = false;

  constructor(private readonly registry: ComponentRegistry) {}

  onModuleInit(): void {
    if (!this.installed) {
      process.on('unhandledRejection', this.onRejection);
      process.on('uncaughtException', this.onException);
      this.installed = true;
    }
  }

  onApplicationShutdown(): void {
    process.off('unhandledRejection', this.onRejection);
    process.off('uncaughtException', this.onException);
    this.installed = false;
  }

  private readonly onRejection = (reason: unknown): void => {
    this.handle('unhandled rejection', reason);
  };

  private readonly onException = (error: Error): void => {
    this.handle('uncaught exception', error);
  };

  private handle(kind: string, error: unknown): void {
    const context = currentComponentContext();
    if (!context) {
      this.logger.error({ err: error }, `${kind} outside any component; the process carries on`);
      return;
    }
    const { component, origin } = context;
    this.registry.recordError(component);
    this.logger.error({ component, origin, err: error }, `${kind} in component ${component}`);
    if (origin === 'lifecycle') {
      this.registry.reportFailure(component, error);
    }
  }
}
