import type BetterSqlite3 from 'better-sqlite3';

/**
 * What SQLite's planner assumes about world_facts until real statistics exist. Without
 * statistics it picks between indexes by their leading equalities alone, and for the history
 * and conflict queries it would pick the primary key and read a whole generation. These
 * figures (rows; then rows per value of each leading column of the index) only rank the
 * indexes the way the data does; `ANALYZE` or `PRAGMA optimize` (the compaction job) replaces them with
 * measured ones, which then win.
 */
const STATS: Record<string, string> = {
  sqlite_autoindex_world_facts_1: '1000000 5 1 1',
  idx_world_facts_group_to: '1000000 500000 20 5 2',
  idx_world_facts_conflict: '10000 5000 3',
};

/** Writes the default statistics for world_facts if it has none; other tables are untouched. */
export function seedPlannerStats(db: BetterSqlite3.Database): void {
  const hasStatTable = db
    .prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'sqlite_stat1'")
    .get();
  if (!hasStatTable) {
    // Creates sqlite_stat1 without reading any user table.
    db.exec('ANALYZE sqlite_schema');
  }
  const known = db
    .prepare("SELECT COUNT(*) AS n FROM sqlite_stat1 WHERE tbl = 'world_facts'")
    .get() as { n: number };
  if (known.n > 0) {
    return;
  }
  const insert = db.prepare(
    "INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES ('world_facts', ?, ?)",
  );
  db.transaction(() => {
    for (const [index, stat] of Object.entries(STATS)) {
      insert.run(index, stat);
    }
  })();
  // Makes the planner load the statistics now.
  db.exec('ANALYZE sqlite_schema');
}
