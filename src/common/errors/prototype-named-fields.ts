import { getMetadataStorage } from 'class-validator';

// The storage @Type writes to: not exported from the package's index, and its types live
// apart from its code. `class-transformer` resolves to cjs/index.js, so this is the same one.
const { defaultMetadataStorage } =
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  require('class-transformer/cjs/storage') as typeof import('class-transformer/types/storage');

/**
 * Names that class-transformer drops (`constructor`, `__proto__`) or that class-validator's
 * whitelist mistakes for declared properties (it looks names up in a plain object, so
 * `toString` or `valueOf` resolve to Object.prototype's members): an unknown field so named
 * would be silently ignored instead of refused like any other.
 */
const PROTOTYPE_NAMES = new Set([...Object.getOwnPropertyNames(Object.prototype), 'prototype']);

type Constructor = abstract new (...args: never[]) => unknown;

/**
 * The paths (`facts.0.constructor`) of fields named like Object.prototype members that `dto`
 * and the DTOs nested in it (through `@Type`) do not declare. The walk follows the DTO's
 * declared nesting only, so it goes no deeper than the DTO classes do.
 */
export function prototypeNamedFields(value: unknown, dto: Constructor): string[] {
  const found: string[] = [];
  const pending: Array<{ value: unknown; dto: Constructor; path: string }> = [
    { value, dto, path: '' },
  ];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    if (typeof next.value !== 'object' || next.value === null) {
      continue;
    }
    if (Array.isArray(next.value)) {
      next.value.forEach((item, i) =>
        pending.push({ value: item, dto: next.dto, path: `${next.path}${i}.` }),
      );
      continue;
    }
    const declared = declaredProperties(next.dto);
    for (const key of Object.keys(next.value)) {
      if (PROTOTYPE_NAMES.has(key) && !declared.has(key)) {
        found.push(`${next.path}${key}`);
      }
    }
    for (const key of declared) {
      const nested = defaultMetadataStorage.findTypeMetadata(next.dto, key);
      const child = Object.hasOwn(next.value, key)
        ? (next.value as Record<string, unknown>)[key]
        : undefined;
      if (nested !== undefined && child !== undefined) {
        pending.push({
          value: child,
          dto: nested.typeFunction() as Constructor,
          path: `${next.path}${key}.`,
        });
      }
    }
  }
  return found;
}

function declaredProperties(dto: Constructor): Set<string> {
  const metadata = getMetadataStorage().getTargetValidationMetadatas(dto, '', true, false);
  return new Set(metadata.map((m) => m.propertyName));
}
