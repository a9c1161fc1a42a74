import { InvalidInputError, NotFoundError } from '../common/errors/domain-error';
import { COMPONENT_NAMES } from './component';

/** An admin request named a component that is not registered. */
export class UnknownComponentError extends InvalidInputError {
  override readonly code = 'unknown_component';

  constructor(name: string, registered: readonly string[]) {
    super(`No component named ${JSON.stringify(name)} is registered`, {
      name: [
        `name must be one of the registered components: ${registered.join(', ') || '(none)'}` +
          (registered.length < COMPONENT_NAMES.length
            ? ` (known names: ${COMPONENT_NAMES.join(', ')})`
            : ''),
      ],
    });
  }
}

export class FaultNotFoundError extends NotFoundError {
  override readonly code = 'fault_not_found';

  constructor(id: string) {
    super(`No active fault has the id ${JSON.stringify(id)}`);
  }
}
