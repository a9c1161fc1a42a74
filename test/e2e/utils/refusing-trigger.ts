import type { DataSource } from 'typeorm';
import type { DbKind } from './databases';

/**
 * A trigger that makes the database refuse inserts into `table` whose `column` equals `value`,
 * with `message`, on either database: a write failing inside the log's own transaction.
 * Resolves to the function that removes it again.
 */
export async function refuseInserts(
  dataSource: DataSource,
  db: DbKind,
  {
    name,
    table,
    column,
    value,
    message,
  }: Record<'name' | 'table' | 'column' | 'value' | 'message', string>,
): Promise<() => Promise<void>> {
  if (db === 'sqlite') {
    await dataSource.query(
      `CREATE TRIGGER ${name} BEFORE INSERT ON ${table} WHEN NEW.${column} = '${value}' ` +
        `BEGIN SELECT RAISE(ABORT, '${message}'); END`,
    );
    return async () => {
      await dataSource.query(`DROP TRIGGER ${name}`);
    };
  }
  await dataSource.query(
    `CREATE FUNCTION ${name}() RETURNS trigger AS $$ BEGIN IF NEW.${column} = '${value}' ` +
      `THEN RAISE EXCEPTION '${message}'; END IF; RETURN NEW; END $$ LANGUAGE plpgsql`,
  );
  await dataSource.query(
    `CREATE TRIGGER ${name} BEFORE INSERT ON ${table} FOR EACH ROW EXECUTE FUNCTION ${name}()`,
  );
  return async () => {
    await dataSource.query(`DROP TRIGGER ${name} ON ${table}`);
    await dataSource.query(`DROP FUNCTION ${name}()`);
  };
}
