import type { ComponentRegistry } from '../../../kernel';

/** Whether the kernel lets calls into the component through (running or degraded). */
export function isServing(registry: ComponentRegistry, name: 'memory'): boolean {
  const { state } = registry.status(name);
  return state === 'running' || state === 'degraded';
}
