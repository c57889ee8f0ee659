// A real OpenID Provider for the SSO tests: the certified `oidc-provider` package on 127.0.0.1, with one client
// and accounts read from a JSON file at every sign-in (so a test can take a user out of a group between two).
// usage: node oidc-provider.mjs '{"port":0,"clientId":…,"clientSecret":…,"redirectUris":[…],"accountsFile":…,"idTokenTtl":3600?}'
// (one client, registered with every redirect URI given, so that several connectors can use it).
// The accounts file maps a login to its claims: {"alice":{"email":"alice@example.com","email_verified":true,"groups":["devs"]}}.
// Any password signs in (the package's development login and consent pages). Prints one ready line,
// {"ready":true,"issuer":"http://127.0.0.1:PORT"}, then serves until killed.
import http from 'node:http';
import fs from 'node:fs';
import Provider from 'oidc-provider';

const options = JSON.parse(process.argv[2] ?? '{}');
const readAccounts = () => JSON.parse(fs.readFileSync(options.accountsFile, 'utf8'));

const server = http.createServer();
await new Promise((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
const issuer = `http://127.0.0.1:${server.address().port}`;

const provider = new Provider(issuer, {
  clients: [{
    client_id: options.clientId,
    client_secret: options.clientSecret,
    redirect_uris: options.redirectUris ?? [options.redirectUri],
    response_types: ['code'],
    grant_types: ['authorization_code'],
    token_endpoint_auth_method: 'client_secret_post',
  }],
  claims: { openid: ['sub'], email: ['email', 'email_verified'], groups: ['groups'], profile: ['name'] },
  cookies: { keys: ['postern-sso-tests'] },
  pkce: { required: () => true },
  ttl: { IdToken: options.idTokenTtl ?? 3600 },
  features: { devInteractions: { enabled: true } },
  async findAccount(ctx, id) {
    const claims = readAccounts()[id];
    if (!claims) return undefined;
    return { accountId: id, async claims() { return { sub: id, ...claims }; } };
  },
});
provider.on('server_error', (ctx, error) => console.error('oidc-provider server_error', error));
server.on('request', provider.callback());
console.log(JSON.stringify({ ready: true, issuer }));
