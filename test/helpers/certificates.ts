import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/**
 * Certificates made by the tests themselves with the `openssl` command, in
 * a temporary directory: no network, nothing checked in. EC P-256 keys, one
 * day of validity, SANs for 127.0.0.1 and localhost.
 */
export interface Issued {
  cert: string;
  key: string;
}

export class TestCa {
  readonly cert: string;
  private readonly key: string;
  private serial = 1;

  constructor(
    private readonly dir: string,
    readonly name: string,
  ) {
    this.cert = path.join(dir, `${name}-ca.pem`);
    this.key = path.join(dir, `${name}-ca.key`);
    openssl([
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
      '-keyout', this.key, '-out', this.cert, '-days', '1', '-subj', `/CN=${name} test CA`,
      '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign',
    ]);
  }

  /** A certificate for subject CN `commonName`, usable by a server (127.0.0.1, localhost) and as a client certificate. */
  issue(file: string, commonName: string): Issued {
    const key = path.join(this.dir, `${file}.key`);
    const csr = path.join(this.dir, `${file}.csr`);
    const cert = path.join(this.dir, `${file}.pem`);
    const ext = path.join(this.dir, `${file}.ext`);
    fs.writeFileSync(ext, ['basicConstraints=CA:FALSE', 'keyUsage=critical,digitalSignature,keyEncipherment', 'extendedKeyUsage=serverAuth,clientAuth', 'subjectAltName=IP:127.0.0.1,DNS:localhost'].join('\n'));
    openssl(['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', key, '-out', csr, '-subj', `/CN=${commonName}`]);
    openssl(['x509', '-req', '-in', csr, '-CA', this.cert, '-CAkey', this.key, '-set_serial', String(this.serial++), '-out', cert, '-days', '1', '-extfile', ext]);
    return { cert, key };
  }
}

function openssl(args: string[]): void {
  execFileSync('openssl', args, { stdio: ['ignore', 'ignore', 'pipe'] });
}
