// A deliberately wrong OpenID Provider for the SSO refusal tests. It signs real ID tokens with its own RSA key
// (published at its jwks_uri through discovery) but can be told to get them wrong in one way:
//   {"aud":"someone-else"}  the ID token is for another audience
//   {"expiredBy":3600}      the ID token expired that many seconds ago
// It approves every authorization request at once (no login page), echoing state and nonce.
// usage: node fake-oidc-provider.mjs '{"aud":…?,"expiredBy":…?,"email":…?,"groups":[…]?}'
// Prints {"ready":true,"issuer":"http://127.0.0.1:PORT"}, then serves until killed.
import http from 'node:http';
import crypto from 'node:crypto';
import { generateKeyPair, exportJWK, SignJWT } from 'jose';

const options = JSON.parse(process.argv[2] ?? '{}');
const { privateKey, publicKey } = await generateKeyPair('RS256');
const jwk = { ...(await exportJWK(publicKey)), kid: 'fake-1', alg: 'RS256', use: 'sig' };
const codes = new Map();

const server = http.createServer(async (req, res) => {
  const url = new URL(req.url, issuer);
  const json = (status, body) => { res.writeHead(status, { 'content-type': 'application/json' }); res.end(JSON.stringify(body)); };
  if (url.pathname === '/.well-known/openid-configuration') {
    return json(200, {
      issuer,
      authorization_endpoint: `${issuer}/authorize`,
      token_endpoint: `${issuer}/token`,
      jwks_uri: `${issuer}/jwks`,
      response_types_supported: ['code'],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: ['RS256'],
    });
  }
  if (url.pathname === '/jwks') return json(200, { keys: [jwk] });
  if (url.pathname === '/authorize') {
    const code = crypto.randomBytes(16).toString('hex');
    codes.set(code, { nonce: url.searchParams.get('nonce'), clientId: url.searchParams.get('client_id') });
    const back = new URL(url.searchParams.get('redirect_uri'));
    back.searchParams.set('code', code);
    back.searchParams.set('state', url.searchParams.get('state'));
    res.writeHead(302, { location: back.toString() });
    return res.end();
  }
  if (url.pathname === '/token' && req.method === 'POST') {
    let body = '';
    for await (const chunk of req) body += chunk;
    const form = new URLSearchParams(body);
    const grant = codes.get(form.get('code'));
    codes.delete(form.get('code'));
    if (!grant) return json(400, { error: 'invalid_grant' });
    const now = Math.floor(Date.now() / 1000) - (options.expiredBy ?? 0);
    const idToken = await new SignJWT({ nonce: grant.nonce, email: options.email ?? 'mallory@example.com', email_verified: true, groups: options.groups ?? ['devs'] })
      .setProtectedHeader({ alg: 'RS256', kid: jwk.kid, typ: 'JWT' })
      .setIssuer(issuer)
      .setSubject('mallory')
      .setAudience(options.aud ?? grant.clientId)
      .setIssuedAt(now)
      .setExpirationTime(now + 300)
      .sign(privateKey);
    return json(200, { access_token: crypto.randomBytes(16).toString('hex'), token_type: 'Bearer', expires_in: 300, id_token: idToken });
  }
  json(404, { error: 'not_found' });
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const issuer = `http://127.0.0.1:${server.address().port}`;
console.log(JSON.stringify({ ready: true, issuer }));
