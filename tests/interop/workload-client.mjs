// A SPIFFE Workload API client over the agent's Unix socket, generated at run time from the agent's own workload.proto
// (@grpc/grpc-js and @grpc/proto-loader), with the security header every call must carry.
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import grpc from '@grpc/grpc-js';
import protoLoader from '@grpc/proto-loader';

export function connect(socket) {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const protoPath = path.resolve(here, '../../src/Postern.Agent/Protos/workload.proto');
  const definition = protoLoader.loadSync(protoPath, { keepCase: true, longs: String, enums: String, defaults: true, oneofs: true });
  const { SpiffeWorkloadAPI } = grpc.loadPackageDefinition(definition);
  const client = new SpiffeWorkloadAPI(`unix://${socket}`, grpc.credentials.createInsecure());
  const metadata = new grpc.Metadata();
  metadata.set('workload.spiffe.io', 'true');
  return { client, metadata };
}
