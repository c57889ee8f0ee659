// X.509-SVIDs through the SPIFFE Workload API, with @grpc/grpc-js and the agent's workload.proto, and mutual TLS with
// them through Node's own TLS stack.
// usage: node x509-svid.mjs fetch --socket PATH --out DIR
//          writes DIR/svid.pem (chain), DIR/key.pem (PKCS#8), DIR/bundle.pem (from the SVID) and DIR/x509-bundle.pem
//          (from FetchX509Bundles); prints {"ok":true,"spiffe_id":…,"hint":…,"bundle_certificates":n,"bundles":[trust domain ids]}
//        node x509-svid.mjs mtls --server DIR --client DIR
//          a TLS server with the first SVID that requires a client certificate chaining to its bundle, and a client with
//          the second that requires the same of the server; prints {"ok":true,"server_saw":URI,"client_saw":URI}
// Fails with {"ok":false,"step":…,"code":…,"message":…} and exit code 1.
import { parseArgs } from 'node:util';
import { X509Certificate, createPrivateKey } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import tls from 'node:tls';
import grpc from '@grpc/grpc-js';
import { connect } from './workload-client.mjs';

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: { socket: { type: 'string' }, out: { type: 'string' }, server: { type: 'string' }, client: { type: 'string' } },
});

function fail(step, error) {
  const code = typeof error.code === 'number' ? grpc.status[error.code] : (error.code ?? error.name);
  console.log(JSON.stringify({ ok: false, step, code, message: error.details ?? error.message }));
  process.exitCode = 1;
}

// Splits concatenated DER certificates (each a SEQUENCE with a definite length) into PEM blocks.
function pemChain(der) {
  const pems = [];
  let at = 0;
  while (at < der.length) {
    if (der[at] !== 0x30) throw new Error(`not a DER SEQUENCE at byte ${at}`);
    let length = der[at + 1];
    let header = 2;
    if (length & 0x80) {
      const count = length & 0x7f;
      length = 0;
      for (let i = 0; i < count; i++) length = (length << 8) | der[at + 2 + i];
      header += count;
    }
    pems.push(new X509Certificate(der.subarray(at, at + header + length)).toString());
    at += header + length;
  }
  return pems.join('');
}

function firstMessage(client, method, metadata) {
  return new Promise((resolve, reject) => {
    const call = client[method]({}, metadata, { deadline: Date.now() + 20000 });
    call.on('data', (message) => { resolve(message); call.cancel(); });
    call.on('error', (error) => { if (error.code !== grpc.status.CANCELLED) reject(error); });
  });
}

async function fetchSvid() {
  const { client, metadata } = connect(values.socket);

  let svidResponse;
  let bundles;
  try {
    svidResponse = await firstMessage(client, 'FetchX509SVID', metadata);
  } catch (error) {
    return fail('fetch', error);
  }
  try {
    bundles = await firstMessage(client, 'FetchX509Bundles', metadata);
  } catch (error) {
    return fail('bundles', error);
  }

  const svid = svidResponse.svids[0];
  fs.mkdirSync(values.out, { recursive: true });
  fs.writeFileSync(path.join(values.out, 'svid.pem'), pemChain(svid.x509_svid));
  const key = createPrivateKey({ key: svid.x509_svid_key, format: 'der', type: 'pkcs8' });
  fs.writeFileSync(path.join(values.out, 'key.pem'), key.export({ format: 'pem', type: 'pkcs8' }), { mode: 0o600 });
  fs.writeFileSync(path.join(values.out, 'bundle.pem'), pemChain(svid.bundle));
  const trustDomains = Object.keys(bundles.bundles);
  fs.writeFileSync(path.join(values.out, 'x509-bundle.pem'), pemChain(bundles.bundles[trustDomains[0]]));
  console.log(JSON.stringify({
    ok: true,
    spiffe_id: svid.spiffe_id,
    hint: svid.hint,
    key_type: key.asymmetricKeyType,
    bundle_certificates: pemChain(svid.bundle).match(/BEGIN CERTIFICATE/g).length,
    bundles: trustDomains,
    federated_bundles: Object.keys(svidResponse.federated_bundles),
  }));
  client.close();
}

function files(dir) {
  return {
    cert: fs.readFileSync(path.join(dir, 'svid.pem')),
    key: fs.readFileSync(path.join(dir, 'key.pem')),
    ca: fs.readFileSync(path.join(dir, 'bundle.pem')),
  };
}

// The peer's SPIFFE ID: its one URI SAN.
function spiffeIdOf(certificate) {
  const uris = (certificate.subjectaltname ?? '').split(', ').filter((name) => name.startsWith('URI:'));
  if (uris.length !== 1) throw new Error(`expected exactly one URI SAN, got ${uris.length}`);
  return uris[0].slice(4);
}

async function mutualTls() {
  const serverFiles = files(values.server);
  const clientFiles = files(values.client);
  let serverSaw;
  const server = tls.createServer({ ...serverFiles, requestCert: true, rejectUnauthorized: true, minVersion: 'TLSv1.2' }, (socket) => {
    serverSaw = spiffeIdOf(socket.getPeerCertificate());
    socket.end('hello');
  });
  const serverErrors = [];
  server.on('tlsClientError', (error) => serverErrors.push(error.code ?? error.message));
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const clientSaw = await new Promise((resolve, reject) => {
      const socket = tls.connect({
        ...clientFiles,
        host: '127.0.0.1',
        port: server.address().port,
        // SPIFFE peers are checked by SPIFFE ID, not by host name.
        checkServerIdentity: () => undefined,
      }, () => {
        if (!socket.authorized) return reject(new Error(`server not authorized: ${socket.authorizationError}`));
        const seen = spiffeIdOf(socket.getPeerCertificate());
        socket.on('data', () => { socket.end(); resolve(seen); });
      });
      socket.on('error', reject);
      socket.on('close', () => reject(new Error(`closed before any data; the server said: ${serverErrors.join(', ') || 'nothing'}`)));
    });
    console.log(JSON.stringify({ ok: true, server_saw: serverSaw, client_saw: clientSaw }));
  } catch (error) {
    fail('mtls', { code: serverErrors[0] ?? error.code, message: error.message });
  } finally {
    server.close();
  }
}

if (positionals[0] === 'fetch') {
  await fetchSvid();
} else if (positionals[0] === 'mtls') {
  await mutualTls();
} else {
  fail('usage', new Error('expected fetch or mtls'));
}
