import type { DataSource } from 'typeorm';
import type { Reinforcement } from './sqlite-memory-statements';

/**
 * PostgreSQL: a batch of recalls' reinforcements as one statement (atomic, one round trip).
 * Each row applies only if the memory still has the strength and time its recall read and is
 * not forgotten (optimistic across replicas); true for each row that applied. A batch never
 * holds one memory twice (a process runs the recalls of a memory one after another), so each
 * memory matches at most one VALUES row.
 */
export async function reinforceOnPostgres(
  dataSource: DataSource,
  batch: readonly Reinforcement[],
): Promise<boolean[]> {
  const params: unknown[] = [];
  const rows = batch.map((r) => {
    const n = params.push(
      r.id,
      r.strength,
      r.reinforcedAt,
      r.fadesAt,
      r.readReinforcedAt,
      r.readStrength,
    );
    return `($${n - 5}::varchar, $${n - 4}::double precision, $${n - 3}::bigint, $${n - 2}::bigint, $${n - 1}::bigint, $${n}::double precision)`;
  });
  const [applied] = await dataSource.query<[Array<{ id: string }>, number]>(
    `UPDATE memories AS m
     SET strength = v.strength, reinforced_at = v.reinforced_at, fades_at = v.fades_at,
         recall_count = m.recall_count + 1
     FROM (VALUES ${rows.join(', ')}) AS v(id, strength, reinforced_at, fades_at, read_at, read_strength)
     WHERE m.id = v.id AND m.reinforced_at = v.read_at AND m.strength = v.read_strength
       AND m.forgotten_at IS NULL
     RETURNING m.id`,
    params,
  );
  const ids = new Set(applied.map((row) => row.id));
  return batch.map((r) => ids.has(r.id));
}
