// A long-running verifier, as a resource server using jose would be: one remote key set per kind of
// token, created once with jose's default options (the key set is kept 10 minutes and refetched for an
// unknown kid at most every 30 s), and every token checked against it for issuer and audience.
// usage: node verify-stream.mjs --jwt-jwks URL --jwt-iss ISSUER --workload-jwks URL --workload-iss ISSUER
// Reads one JSON line per token from stdin: {"id":n,"kind":"jwt"|"workload","token":"…","aud":"…"}.
// Prints one JSON line per token, in the order the checks finish:
// {"id":n,"ok":true,"kid":…} or {"id":n,"ok":false,"code":…,"error":…}. Exits when stdin closes.
import { parseArgs } from 'node:util';
import { createInterface } from 'node:readline';
import { createRemoteJWKSet, jwtVerify } from 'jose';

const { values } = parseArgs({
  options: {
    'jwt-jwks': { type: 'string' },
    'jwt-iss': { type: 'string' },
    'workload-jwks': { type: 'string' },
    'workload-iss': { type: 'string' },
  },
});

const verifiers = {
  jwt: { keySet: createRemoteJWKSet(new URL(values['jwt-jwks'])), issuer: values['jwt-iss'] },
  workload: { keySet: createRemoteJWKSet(new URL(values['workload-jwks'])), issuer: values['workload-iss'] },
};

async function verify(line) {
  let request;
  try {
    request = JSON.parse(line);
  } catch (error) {
    return { id: null, ok: false, code: 'BAD_REQUEST', error: `not a JSON line: ${error.message}` };
  }

  const verifier = verifiers[request.kind];
  if (!verifier) {
    return { id: request.id, ok: false, code: 'BAD_REQUEST', error: `unknown kind '${request.kind}' (expected jwt or workload)` };
  }

  try {
    const { protectedHeader } = await jwtVerify(request.token, verifier.keySet, {
      issuer: verifier.issuer,
      audience: request.aud,
      algorithms: ['RS256', 'ES256'],
    });
    return { id: request.id, ok: true, kid: protectedHeader.kid };
  } catch (error) {
    return { id: request.id, ok: false, code: error.code ?? error.name, error: error.message };
  }
}

const pending = new Set();
for await (const line of createInterface({ input: process.stdin, crlfDelay: Infinity })) {
  if (line.trim() === '') continue;
  const check = verify(line).then((answer) => {
    process.stdout.write(JSON.stringify(answer) + '\n');
  });
  pending.add(check);
  check.finally(() => pending.delete(check));
}

await Promise.all(pending);
