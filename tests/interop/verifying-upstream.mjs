// An app behind Postern that verifies the Teleport-Jwt-Assertion with jose, for `postern doctor app`.
// usage: node verifying-upstream.mjs '{"jwks":"https://…/.well-known/jwks.json","issuer":"…","mode":"by-kid"|"first-key"}'
// by-kid: the key set is fetched as jose does (the key the token's kid names; fetched again at once for an unknown kid).
// first-key: the key set is fetched once, at start, and every token is checked against its first key only (keys[0]),
//   ignoring kid: the mistake that breaks during a key rotation.
// The audience is the app's own address (http://127.0.0.1:PORT), as Postern sets `aud` to the app's uri.
// Answers 200 "verified SUB" to a request whose assertion verifies, 401 to any other.
// Prints {"ready":true,"address":"http://127.0.0.1:PORT"} once listening.
import http from 'node:http';
import { createRemoteJWKSet, importJWK, jwtVerify } from 'jose';

const options = JSON.parse(process.argv[2] ?? '{}');
const server = http.createServer();
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const address = `http://127.0.0.1:${server.address().port}`;

let key;
if (options.mode === 'first-key') {
  const set = await (await fetch(options.jwks)).json();
  key = await importJWK(set.keys[0], set.keys[0].alg);
} else {
  key = createRemoteJWKSet(new URL(options.jwks), { cooldownDuration: 0 });
}

server.on('request', async (req, res) => {
  const token = req.headers['teleport-jwt-assertion'];
  try {
    if (typeof token !== 'string') throw new Error('no assertion');
    const { payload } = await jwtVerify(token, key, {
      issuer: options.issuer,
      audience: address,
      algorithms: ['RS256', 'ES256'],
    });
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end(`verified ${payload.sub}`);
  } catch (error) {
    res.writeHead(401, { 'content-type': 'text/plain' });
    res.end(`refused: ${error.code ?? error.message}`);
  }
});
console.log(JSON.stringify({ ready: true, address }));
