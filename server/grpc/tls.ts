import crypto from 'node:crypto';
import fs from 'node:fs';
import tls from 'node:tls';
import * as grpc from '@grpc/grpc-js';
import { InvalidArgumentError } from '../errors';
import type { Logger } from '../../common/log';

/** The server's certificate files (PEM). With `clientCaFile`, clients must present a certificate signed by it (mutual TLS). */
export interface TlsFiles {
  certFile: string;
  keyFile: string;
  clientCaFile?: string | null;
}

type CaListener = (update: { caCertificate: Buffer } | null) => void;
type IdentityListener = (update: { certificate: Buffer; privateKey: Buffer } | null) => void;

interface Loaded {
  certificate: Buffer;
  privateKey: Buffer;
  ca: Buffer | null;
  /** For the log: subject, expiry and fingerprint of the certificate (never the key). */
  summary: { subject: string; notAfter: string; fingerprint256: string };
}

/**
 * The server's TLS identity, reloadable without a restart (SIGHUP), so
 * short-lived certificates work. grpc-js servers cannot swap credentials
 * in place, but its certificate-provider credentials push new ones to the
 * listening socket (setSecureContext) for every new connection; existing
 * connections keep the context they started with. A reload that fails
 * (missing file, key not matching the certificate) keeps the previous
 * identity and says why: a bad file never takes the server down.
 */
export class ReloadableTls {
  private current: Loaded;
  private readonly caListeners = new Set<CaListener>();
  private readonly identityListeners = new Set<IdentityListener>();
  readonly credentials: grpc.ServerCredentials;

  constructor(
    private readonly files: TlsFiles,
    private readonly logger: Logger,
  ) {
    this.current = load(files);
    const mutual = Boolean(files.clientCaFile);
    // The experimental API's first argument is the identity provider, its second the CA provider (null: no client certificates).
    this.credentials = grpc.experimental.createCertificateProviderServerCredentials(this, mutual ? this : null, mutual) as unknown as grpc.ServerCredentials;
  }

  get summary(): Loaded['summary'] {
    return this.current.summary;
  }

  /** Reads the files again and, if they make a valid identity, serves it to new connections. */
  reload(): { ok: true; summary: Loaded['summary'] } | { ok: false; error: string } {
    let next: Loaded;
    try {
      next = load(this.files);
    } catch (err) {
      const error = (err as Error).message;
      this.logger.error({ event: 'tls.reload_failed', error }, 'TLS certificate reload failed; still serving the previous certificate');
      return { ok: false, error };
    }
    this.current = next;
    for (const listener of this.identityListeners) listener({ certificate: next.certificate, privateKey: next.privateKey });
    if (next.ca) for (const listener of this.caListeners) listener({ caCertificate: next.ca });
    this.logger.info({ event: 'tls.reloaded', ...next.summary }, 'TLS certificate reloaded');
    return { ok: true, summary: next.summary };
  }

  // grpc.experimental.CertificateProvider. Listeners hear the current value
  // on the next tick, as grpc-js expects: it registers its watcher after ours.
  addCaCertificateListener(listener: CaListener): void {
    this.caListeners.add(listener);
    process.nextTick(() => this.caListeners.has(listener) && listener(this.current.ca ? { caCertificate: this.current.ca } : null));
  }
  removeCaCertificateListener(listener: CaListener): void {
    this.caListeners.delete(listener);
  }
  addIdentityCertificateListener(listener: IdentityListener): void {
    this.identityListeners.add(listener);
    process.nextTick(() => this.identityListeners.has(listener) && listener({ certificate: this.current.certificate, privateKey: this.current.privateKey }));
  }
  removeIdentityCertificateListener(listener: IdentityListener): void {
    this.identityListeners.delete(listener);
  }
}

function read(flag: string, file: string): Buffer {
  try {
    return fs.readFileSync(file);
  } catch (err) {
    throw new InvalidArgumentError(flag, `cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}

/** Reads and checks the files: the certificate parses, the key matches it, the CA parses. */
function load(files: TlsFiles): Loaded {
  const certificate = read('tls-cert', files.certFile);
  const privateKey = read('tls-key', files.keyFile);
  const ca = files.clientCaFile ? read('tls-client-ca', files.clientCaFile) : null;
  let x509: crypto.X509Certificate;
  try {
    x509 = new crypto.X509Certificate(certificate);
  } catch (err) {
    throw new InvalidArgumentError('tls-cert', `${files.certFile} is not a PEM certificate (${(err as Error).message})`);
  }
  try {
    tls.createSecureContext({ cert: certificate, key: privateKey });
  } catch (err) {
    throw new InvalidArgumentError('tls-key', `${files.keyFile} is not the private key of ${files.certFile} (${(err as Error).message})`);
  }
  if (ca) {
    try {
      new crypto.X509Certificate(ca);
    } catch (err) {
      throw new InvalidArgumentError('tls-client-ca', `${files.clientCaFile} is not a PEM certificate (${(err as Error).message})`);
    }
  }
  return { certificate, privateKey, ca, summary: { subject: x509.subject.replace(/\n/g, ','), notAfter: new Date(x509.validTo).toISOString(), fingerprint256: x509.fingerprint256 } };
}
