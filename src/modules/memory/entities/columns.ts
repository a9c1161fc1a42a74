import type { ValueTransformer } from 'typeorm';

/** PostgreSQL returns BIGINT as a string; every bigint here is a safe integer (ms, indices). */
export const bigintNumber: ValueTransformer = {
  to: (value: number | null | undefined) => value,
  from: (value: string | number | null) => (value === null ? null : Number(value)),
};
