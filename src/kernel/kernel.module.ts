import { Global, Module } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { EventEmitterModule } from '@nestjs/event-emitter';
import { AdminGuard } from './admin/admin.guard';
import { ChaosController } from './admin/chaos.controller';
import { ChaosEnabledGuard } from './admin/chaos-enabled.guard';
import { ComponentsAdminController } from './admin/components-admin.controller';
import { ComponentBoundary } from './component-boundary';
import { ComponentRegistry } from './component-registry';
import { ComponentRouteInterceptor } from './component-route.interceptor';
import { FaultInjector } from './faults/fault-injector';
import { HttpRequests } from './http-requests';
import { KernelLifecycle } from './kernel-lifecycle';
import { KernelController } from './kernel.controller';
import { ProcessErrorHandlers } from './process-error-handlers';

/**
 * The kernel: component registry and supervisor, the component boundary (with the global
 * interceptor behind @ComponentRoute), the kernel and admin API, fault injection. Global, so
 * that every feature module can inject ComponentRegistry and ComponentBoundary.
 */
@Global()
@Module({
  // The application's one event bus (component.state-changed and any other event).
  imports: [EventEmitterModule.forRoot()],
  controllers: [KernelController, ComponentsAdminController, ChaosController],
  providers: [
    ComponentRegistry,
    ComponentBoundary,
    FaultInjector,
    KernelLifecycle,
    HttpRequests,
    ProcessErrorHandlers,
    AdminGuard,
    ChaosEnabledGuard,
    { provide: APP_INTERCEPTOR, useClass: ComponentRouteInterceptor },
  ],
  exports: [ComponentRegistry, ComponentBoundary, AdminGuard],
})
export class KernelModule {}
