/** The yardstick: node:http answering the probes' JSON, with the same headers, nothing else. */
import { createServer } from 'node:http';

const body = JSON.stringify({ status: 'ok' });
const port = Number(process.env.PORT ?? 3100);

createServer((_request, response) => {
  response.writeHead(200, {
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-cache, no-store, must-revalidate',
    'content-length': Buffer.byteLength(body),
  });
  response.end(body);
}).listen(port, '127.0.0.1', () => process.stdout.write('listening\n'));
