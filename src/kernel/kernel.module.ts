import { Global, Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { EventEmitterModule } from '@nestjs/event-emitter';
import { AdminGuard } from './admin/admin.guard';
import { ChaosController } from './admin/chaos.controller';
import { ChaosEnabledGuard } from './admin/chaos-enabled.guard';
import { ComponentsAdminController } from './admin/components-admin.controller';
import { ComponentBoundary } from './component-boundary';
import { ComponentRegistry } from './component-registry';
import { ComponentRoutes } from './component-routes';
import { FaultInjector } from './faults/fault-injector';
import { HttpRequests } from './http-requests';
import { KernelLifecycle } from './kernel-lifecycle';
import { KernelController } from './kernel.controller';
import { ProcessErrorHandlers } from './process-error-handlers';

/**
 * The kernel: component registry and supervisor, the component boundary (and the binding of
 * @ComponentRoute handlers to it), the kernel and admin API, fault injection. Global, so
 * that every feature module can inject ComponentRegistry and ComponentBoundary.
 */
@Global()
@Module({
  // The application's one event bus (component.state-changed and any other event).
  imports: [EventEmitterModule.forRoot(), DiscoveryModule],
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
    ComponentRoutes,
  ],
  exports: [ComponentRegistry, ComponentBoundary, AdminGuard],
})
export class KernelModule {}
