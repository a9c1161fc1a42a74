/**
 * The yardstick for PlasticLTM: the minimum a JSON memory store must do, with the same stack
 * underneath (Fastify's JSON parser, better-sqlite3 in WAL mode with synchronous=NORMAL).
 *
 *   POST /m        {content}  → 201 {id}            (one INSERT of id + content JSON text)
 *   GET  /m/:id               → 200 {id, content}   (one SELECT by primary key)
 *   GET  /head                → 200 {size}          (max(rowid): the analogue of /api/v1/log/head)
 *   GET  /ping                → 200 {status}        (no database: the framework floor)
 *
 * Environment: PORT, BARE_DB (SQLite file), BARE_BODY_LIMIT (bytes). Listens on 127.0.0.1 only.
 */
import Database from 'better-sqlite3';
import Fastify from 'fastify';
import { randomUUID } from 'node:crypto';

export const BARE_SCHEMA =
  'CREATE TABLE IF NOT EXISTS m (id TEXT PRIMARY KEY, content TEXT NOT NULL)';

export function openBareDb(file: string): Database.Database {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.exec(BARE_SCHEMA);
  return db;
}

async function main(): Promise<void> {
  const db = openBareDb(process.env.BARE_DB ?? 'bare.db');
  const insert = db.prepare('INSERT INTO m (id, content) VALUES (?, ?)');
  const select = db.prepare('SELECT id, content FROM m WHERE id = ?');
  const size = db.prepare('SELECT max(rowid) AS size FROM m');
  const app = Fastify({ bodyLimit: Number(process.env.BARE_BODY_LIMIT ?? 2 * 1024 * 1024) });

  app.post('/m', (request, reply) => {
    const content = (request.body as { content?: unknown } | null)?.content;
    if (content === undefined) {
      return reply.code(400).send({ error: 'content is required' });
    }
    const id = randomUUID();
    insert.run(id, JSON.stringify(content));
    return reply.code(201).send({ id });
  });

  app.get('/m/:id', (request, reply) => {
    const row = select.get((request.params as { id: string }).id) as
      { id: string; content: string } | undefined;
    if (!row) {
      return reply.code(404).send({ error: 'not found' });
    }
    return reply.send({ id: row.id, content: JSON.parse(row.content) as unknown });
  });

  app.get('/head', (_request, reply) => {
    const row = size.get() as { size: number | null };
    return reply.send({ size: row.size ?? 0 });
  });

  app.get('/ping', (_request, reply) => reply.send({ status: 'ok' }));

  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      void app.close().then(() => {
        db.close();
        process.exit(0);
      });
    });
  }
  await app.listen({ port: Number(process.env.PORT ?? 3200), host: '127.0.0.1' });
}

if (require.main === module) {
  void main();
}
