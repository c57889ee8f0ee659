// A tiny upstream for the walk-through: answers every request with the headers it received, as JSON,
// tokens shortened. No dependencies. usage: node whoami.mjs [PORT]   (default 8081, on 127.0.0.1)
import { createServer } from 'node:http';

const port = Number(process.argv[2] ?? 8081);
const shorten = (name, value) =>
  name === 'authorization' || name === 'teleport-jwt-assertion' || name === 'cookie' ? `${value.slice(0, 12)}…` : value;

createServer((request, response) => {
  const headers = Object.fromEntries(Object.entries(request.headers).map(([name, value]) => [name, shorten(name, String(value))]));
  response.writeHead(200, { 'content-type': 'application/json' });
  response.end(JSON.stringify({ method: request.method, url: request.url, headers }, null, 2) + '\n');
}).listen(port, '127.0.0.1', () => console.log(`whoami listening on http://127.0.0.1:${port}`));
