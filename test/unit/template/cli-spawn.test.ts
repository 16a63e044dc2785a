import { execFileSync, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { CERT_ID } from './helpers.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const TEMPLATE = 'test/fixtures/templates/jitp-registration-config.json';

describe('node bin/jitr.mjs template render', () => {
  beforeAll(() => {
    execFileSync(process.execPath, ['scripts/build.mjs', '--quiet'], { cwd: ROOT, stdio: 'ignore' });
  });

  it('prints the plan and exits 0, or prints code, path and remedy and exits 1', () => {
    // Prepare
    const args = (cn: string) => [
      'bin/jitr.mjs',
      'template',
      'render',
      '--template',
      TEMPLATE,
      '--param',
      `AWS::IoT::Certificate::CommonName=${cn}`,
      '--param',
      'AWS::IoT::Certificate::SerialNumber=SN-1',
      '--param',
      'AWS::IoT::Certificate::Country=DE',
      '--certificate-id',
      CERT_ID,
    ];
    // Act
    const ok = spawnSync(process.execPath, args('lamp-1'), { cwd: ROOT, encoding: 'utf8' });
    const bad = spawnSync(process.execPath, args('lamp*'), { cwd: ROOT, encoding: 'utf8' });
    // Assess
    expect({ status: ok.status, stderr: ok.stderr }).toEqual({ status: 0, stderr: '' });
    expect(JSON.parse(ok.stdout).thing.thingName).toBe('lamp-1');
    expect({ status: bad.status, stdout: bad.stdout, stderr: bad.stderr }).toEqual({
      status: 1,
      stdout: '',
      stderr: [
        'error UnsafeCertificateValue: the value of AWS::IoT::Certificate::CommonName makes an invalid thing name: 1-128 characters of [a-zA-Z0-9:_-]',
        '  while: jitr template render (step template-render)',
        '  at: Resources.thing.Properties.ThingName',
        '  remedy: Issue the certificate with a value AWS accepts here, or transform it in the template.',
        '',
      ].join('\n'),
    });
  });
});
