// Verifies a JWT-SVID with jose against the jwt-svid key of a SPIFFE bundle fetched from a bundle endpoint.
// usage: node verify-with-bundle.mjs --bundle URL --aud AUDIENCE TOKEN
// The key is picked by the token's kid among the keys whose use is "jwt-svid" (the SPIFFE bundle format); jose
// itself picks nothing, so a bundle that marks its keys otherwise fails here.
// Prints {"ok":true,"payload":…,"sequence":…} and exits 0, or {"ok":false,"code":…,"message":…} and exits 1.
import { parseArgs } from 'node:util';
import { decodeProtectedHeader, importJWK, jwtVerify } from 'jose';

const { values, positionals } = parseArgs({
  options: { bundle: { type: 'string' }, aud: { type: 'string' } },
  allowPositionals: true,
});

try {
  const response = await fetch(values.bundle);
  const bundle = await response.json();
  const { kid, alg } = decodeProtectedHeader(positionals[0]);
  const jwk = bundle.keys.find((k) => k.use === 'jwt-svid' && k.kid === kid);
  if (!jwk) {
    throw Object.assign(new Error(`no jwt-svid key with kid ${kid} in the bundle`), { code: 'NO_KEY' });
  }
  const key = await importJWK(jwk, alg);
  const { payload } = await jwtVerify(positionals[0], key, { audience: values.aud, algorithms: ['RS256', 'ES256'] });
  console.log(JSON.stringify({ ok: true, payload, sequence: bundle.spiffe_sequence }));
} catch (error) {
  console.log(JSON.stringify({ ok: false, code: error.code ?? error.name, message: error.message }));
  process.exitCode = 1;
}
