// A SPIFFE Workload API client written with @grpc/grpc-js and @grpc/proto-loader, from the agent's
// own workload.proto: fetches a JWT-SVID over the agent's Unix socket, has the agent validate it, and
// (with --server) verifies it independently with jose against the key set named by the issuer's
// discovery document, checking issuer and audience.
// usage: node workload-api.mjs --socket PATH --aud AUDIENCE [--spiffe-id ID] [--server URL]
// Prints {"ok":true,"spiffe_ids":[…],"spiffe_id":…,"validated":…,"payload":…} and exits 0, or
// {"ok":false,"step":…,"code":…,"message":…} and exits 1.
import { parseArgs } from 'node:util';
import grpc from '@grpc/grpc-js';
import { connect } from './workload-client.mjs';
import { createRemoteJWKSet, jwtVerify } from 'jose';

const { values } = parseArgs({
  options: {
    socket: { type: 'string' },
    aud: { type: 'string' },
    'spiffe-id': { type: 'string' },
    server: { type: 'string' },
  },
});

const { client, metadata } = connect(values.socket);

function call(method, request) {
  return new Promise((resolve, reject) => {
    client[method](request, metadata, { deadline: Date.now() + 20000 }, (error, response) => (error ? reject(error) : resolve(response)));
  });
}

function fail(step, error) {
  const code = typeof error.code === 'number' ? grpc.status[error.code] : (error.code ?? error.name);
  console.log(JSON.stringify({ ok: false, step, code, message: error.details ?? error.message }));
  process.exitCode = 1;
}

async function main() {
  let fetched;
  try {
    fetched = await call('FetchJWTSVID', { audience: [values.aud], spiffe_id: values['spiffe-id'] ?? '' });
  } catch (error) {
    return fail('fetch', error);
  }

  const svid = fetched.svids[0];
  let validated;
  try {
    validated = await call('ValidateJWTSVID', { audience: values.aud, svid: svid.svid });
  } catch (error) {
    return fail('validate', error);
  }

  let payload;
  if (values.server) {
    try {
      const discovery = await fetch(`${values.server}/workload-identity/.well-known/openid-configuration`).then((r) => r.json());
      const keySet = createRemoteJWKSet(new URL(discovery.jwks_uri));
      ({ payload } = await jwtVerify(svid.svid, keySet, {
        issuer: discovery.issuer,
        audience: values.aud,
        algorithms: ['RS256', 'ES256'],
      }));
    } catch (error) {
      return fail('verify', error);
    }
  }

  console.log(JSON.stringify({
    ok: true,
    spiffe_ids: fetched.svids.map((s) => s.spiffe_id),
    spiffe_id: svid.spiffe_id,
    hint: svid.hint,
    validated: validated.spiffe_id,
    payload,
  }));
}

try {
  await main();
} finally {
  client.close();
}
