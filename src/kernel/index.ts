export { AdminGuard } from './admin/admin.guard';
export { AdminRoute } from './admin/admin-route.decorator';
export { AdminUnauthorizedError } from './admin/admin.errors';
export { ChaosEnabledGuard } from './admin/chaos-enabled.guard';
export * from './component';
export { ComponentBoundary } from './component-boundary';
export { ComponentRegistry } from './component-registry';
export { ComponentRoute, COMPONENT_ROUTE } from './component-route.decorator';
export {
  COMPONENT_STATE_CHANGED,
  type ComponentStateChangedEvent,
  type ComponentStatus,
} from './component-status';
export { ComponentListDto, ComponentStatusDto } from './dto/component-status.dto';
export { ApiProblemResponse } from './api-problem-response';
export { FAULT_TYPES, type Fault, type FaultType } from './faults/fault';
export { currentComponentContext, type KernelContext } from './kernel-context';
export { UnknownComponentError } from './kernel.errors';
export { KernelModule } from './kernel.module';
