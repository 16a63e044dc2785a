// The sandbox tests' Lambda function (fixtures/test-handler.ts), bundled with esbuild the way
// scripts/build.mjs bundles the real one, and a CA registered for auto-registration.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  GetRegistrationCodeCommand,
  type IoTClient,
  RegisterCACertificateCommand,
} from '@aws-sdk/client-iot';
import { build } from 'esbuild';
import type { TestCa, TestPki } from './test-pki.js';

/** Builds the fixture handler into a temp dir; `cleanup` removes it. */
export async function buildTestHandler(): Promise<{ bundle: string; cleanup(): void }> {
  const dir = mkdtempSync(join(tmpdir(), 'jitr-sandbox-fn-'));
  const bundle = join(dir, 'handler.cjs');
  await build({
    entryPoints: [join(import.meta.dirname, '..', 'fixtures', 'test-handler.ts')],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    outfile: bundle,
    logLevel: 'silent',
  });
  return { bundle, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Registers `ca` (ACTIVE, with or without auto-registration) through the SDK; returns its id. */
export async function registerTestCa(
  iot: IoTClient,
  pki: TestPki,
  ca: TestCa,
  autoRegistration: boolean,
): Promise<string> {
  const code = (await iot.send(new GetRegistrationCodeCommand({}))).registrationCode ?? '';
  const out = await iot.send(
    new RegisterCACertificateCommand({
      caCertificate: ca.certificatePem,
      verificationCertificate: pki.issue(ca, code),
      setAsActive: true,
      allowAutoRegistration: autoRegistration,
    }),
  );
  return out.certificateId ?? '';
}
