// An app behind Postern for the header tests, on Node's own http module (an HTTP stack independent of .NET's):
// it records every request's method, URL and raw header lines (req.rawHeaders: names as sent, repeats kept)
// and serves them back as JSON at GET /__recorded, which only the test calls, directly.
// GET /set-cookie?c=<Set-Cookie value>&c=... answers with one Set-Cookie line per `c`.
// Listens on 127.0.0.1:0 and prints {"ready":true,"port":N} once listening.
import http from 'node:http';

const recorded = [];

const server = http.createServer((req, res) => {
  const url = new URL(req.url, 'http://upstream');
  if (url.pathname === '/__recorded') {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(recorded));
    return;
  }

  const headers = [];
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    headers.push([req.rawHeaders[i], req.rawHeaders[i + 1]]);
  }
  recorded.push({ method: req.method, url: req.url, headers });

  if (url.pathname === '/set-cookie') {
    res.setHeader('set-cookie', url.searchParams.getAll('c'));
  }
  res.writeHead(200, { 'content-type': 'text/plain' });
  res.end('recorded ' + url.pathname);
});

server.listen(0, '127.0.0.1', () => {
  console.log(JSON.stringify({ ready: true, port: server.address().port }));
});
