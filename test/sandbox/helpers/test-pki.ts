// Real certificates for the sandbox's own tests, made with the openssl CLI so that these
// tests do not depend on the project's PKI module (another area). Keys live in a temp dir
// that the caller removes.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TestCa {
  certificatePem: string;
  certPath: string;
  keyPath: string;
}

export interface TestPki {
  dir: string;
  createCa(commonName: string): TestCa;
  issue(ca: TestCa, commonName: string): string;
  cleanup(): void;
}

function openssl(args: string[], input?: string): string {
  return execFileSync('openssl', args, { input, stdio: ['pipe', 'pipe', 'pipe'] }).toString('utf8');
}

export function createTestPki(): TestPki {
  const dir = mkdtempSync(join(tmpdir(), 'jitr-sandbox-pki-'));
  let n = 0;
  return {
    dir,
    createCa(commonName) {
      n += 1;
      const keyPath = join(dir, `ca${n}.key`);
      const certPath = join(dir, `ca${n}.pem`);
      openssl([
        'req',
        '-x509',
        '-new',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:P-256',
        '-nodes',
        '-keyout',
        keyPath,
        '-out',
        certPath,
        '-days',
        '30',
        '-subj',
        `/CN=${commonName}`,
        '-addext',
        'basicConstraints=critical,CA:TRUE',
        '-addext',
        'keyUsage=critical,keyCertSign,cRLSign',
      ]);
      return { certificatePem: readFileSync(certPath, 'utf8'), certPath, keyPath };
    },
    issue(ca, commonName) {
      n += 1;
      const keyPath = join(dir, `dev${n}.key`);
      const csr = openssl([
        'req',
        '-new',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:P-256',
        '-nodes',
        '-keyout',
        keyPath,
        '-subj',
        `/CN=${commonName}`,
      ]);
      return openssl(
        [
          'x509',
          '-req',
          '-CA',
          ca.certPath,
          '-CAkey',
          ca.keyPath,
          '-set_serial',
          `0x${randomBytes(8).toString('hex')}`,
          '-days',
          '30',
        ],
        csr,
      );
    },
    cleanup() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
