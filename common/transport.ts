import fs from 'node:fs';
import * as grpc from '@grpc/grpc-js';
import { UsageError } from './exit-codes';

/**
 * How a client or an agent reaches a server: the --server address in the
 * forms gRPC users expect, and TLS. Shared because the client commands and
 * the agent take the same flags.
 *
 *   host:port, dns:host:port, dns:///host:port, ipv4:..., unix:...
 *       plaintext, unless --tls-ca or --tls-cert is given
 *   https://host[:port]   TLS (port 443 by default), trusting --tls-ca or the system's CAs
 *   http://host[:port]    plaintext, said out loud
 */
export interface TransportFlags {
  server: string;
  /** PEM file of the CA(s) to trust instead of the system's. */
  caFile?: string | null;
  /** Own certificate and key (PEM), for a server that requires client certificates (mutual TLS). */
  certFile?: string | null;
  keyFile?: string | null;
}

export interface Transport {
  /** The gRPC target, e.g. "db.example:50051" or "dns:///cp.example:443". */
  target: string;
  credentials: grpc.ChannelCredentials;
  tls: boolean;
}

export function resolveTransport(flags: TransportFlags): Transport {
  const { target, tls: scheme } = parseServer(flags.server);
  if (Boolean(flags.certFile) !== Boolean(flags.keyFile)) throw new UsageError('give --tls-cert and --tls-key together');
  const wantsTls = scheme ?? Boolean(flags.caFile || flags.certFile);
  if (!wantsTls) {
    if (flags.caFile || flags.certFile) throw new UsageError(`--server ${flags.server} is plaintext (http://); drop it or use https:// with --tls-ca/--tls-cert`);
    return { target, credentials: grpc.credentials.createInsecure(), tls: false };
  }
  const ca = flags.caFile ? readPem('--tls-ca', flags.caFile) : null;
  const cert = flags.certFile ? readPem('--tls-cert', flags.certFile) : null;
  const key = flags.keyFile ? readPem('--tls-key', flags.keyFile) : null;
  return { target, credentials: grpc.credentials.createSsl(ca, key, cert), tls: true };
}

function parseServer(server: string): { target: string; tls: boolean | null } {
  const url = /^(https?):\/\/([^/]+)\/?$/i.exec(server);
  if (url) {
    const tls = url[1].toLowerCase() === 'https';
    const hostPort = /:\d+$/.test(url[2]) ? url[2] : `${url[2]}:${tls ? 443 : 80}`;
    return { target: hostPort, tls };
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(server) && !/^(dns|ipv4|ipv6|unix|unix-abstract):/i.test(server)) {
    throw new UsageError(`--server ${server}: use host:port, dns:host:port, https://host:port or http://host:port`);
  }
  return { target: server, tls: null };
}

function readPem(flag: string, file: string): Buffer {
  try {
    return fs.readFileSync(file);
  } catch (err) {
    throw new UsageError(`${flag} ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}
