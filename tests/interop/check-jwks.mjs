// Checks a JWKS served over HTTP with jose: every key imports, and its kid is its RFC 7638 thumbprint.
// usage: node check-jwks.mjs URL
// Prints {"ok":true,"keys":[{"kid","thumbprint","alg","use"}…]} and exits 0, or {"ok":false,"message"} and exits 1.
import { calculateJwkThumbprint, importJWK } from 'jose';

try {
  const response = await fetch(process.argv[2]);
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  const { keys } = await response.json();
  if (!Array.isArray(keys) || keys.length === 0) throw new Error('no keys');
  const checked = [];
  for (const jwk of keys) {
    await importJWK(jwk, jwk.alg);
    const thumbprint = await calculateJwkThumbprint(jwk, 'sha256');
    if (thumbprint !== jwk.kid) throw new Error(`kid ${jwk.kid} is not the thumbprint ${thumbprint}`);
    checked.push({ kid: jwk.kid, thumbprint, alg: jwk.alg, use: jwk.use });
  }
  console.log(JSON.stringify({ ok: true, keys: checked }));
} catch (error) {
  console.log(JSON.stringify({ ok: false, message: error.message }));
  process.exitCode = 1;
}
