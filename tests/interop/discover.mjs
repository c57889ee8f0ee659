// Runs openid-client's discovery against an issuer and, given a token, verifies it with jose
// against the discovered jwks_uri and issuer.
// usage: node discover.mjs ISSUER [--aud AUDIENCE] [TOKEN]
// Prints {"ok":true,"metadata":…,"payload":…} and exits 0, or {"ok":false,"code","message"} and exits 1.
import { parseArgs } from 'node:util';
import * as client from 'openid-client';
import { createRemoteJWKSet, jwtVerify } from 'jose';

const { values, positionals } = parseArgs({ options: { aud: { type: 'string' } }, allowPositionals: true });
const [issuer, token] = positionals;
try {
  const configuration = await client.discovery(new URL(issuer), 'postern-interop-test');
  const metadata = configuration.serverMetadata();
  let payload;
  if (token) {
    const keySet = createRemoteJWKSet(new URL(metadata.jwks_uri));
    ({ payload } = await jwtVerify(token, keySet, { issuer: metadata.issuer, audience: values.aud }));
  }
  console.log(JSON.stringify({ ok: true, metadata, payload }));
} catch (error) {
  console.log(JSON.stringify({ ok: false, code: error.code ?? error.name, message: error.message }));
  process.exitCode = 1;
}
