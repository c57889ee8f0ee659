// Verifies a Postern token with jose against a key set fetched over HTTP.
// usage: node verify-token.mjs --jwks URL [--iss ISSUER] [--aud AUDIENCE] [--now UNIX_SECONDS] TOKEN
// (--now: check times against this moment instead of the clock, for a server on a test clock)
// Prints {"ok":true,"header":…,"payload":…} and exits 0, or {"ok":false,"code":…,"message":…} and exits 1.
import { parseArgs } from 'node:util';
import { createRemoteJWKSet, jwtVerify } from 'jose';

const { values, positionals } = parseArgs({
  options: { jwks: { type: 'string' }, iss: { type: 'string' }, aud: { type: 'string' }, now: { type: 'string' } },
  allowPositionals: true,
});

const keySet = createRemoteJWKSet(new URL(values.jwks));
try {
  const { payload, protectedHeader } = await jwtVerify(positionals[0], keySet, {
    issuer: values.iss,
    audience: values.aud,
    algorithms: ['RS256', 'ES256'],
    currentDate: values.now ? new Date(Number(values.now) * 1000) : undefined,
  });
  console.log(JSON.stringify({ ok: true, header: protectedHeader, payload }));
} catch (error) {
  console.log(JSON.stringify({ ok: false, code: error.code ?? error.name, message: error.message }));
  process.exitCode = 1;
}
