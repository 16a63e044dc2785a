// `npm run bench -- sweep [--devices N] [--revoked R]`: the revocation sweep against AWS's
// default UpdateCertificate quota (10 TPS, enforced by the sandbox) at the sweep's default share
// (half). Setup writes the registry (RegisterCertificate, ACTIVE) and the ledger (dynalite)
// directly, not through the handler; then the CA publishes a CRL revoking R of the N devices
// and one sweep runs in process (the same code as the sweep function). Writes
// test/bench/results/sweep-<N>-<R>.json.
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { IoTClient, RegisterCertificateCommand } from '@aws-sdk/client-iot';
import { addCa, startLocalAws } from '../../infra/local-aws/local-aws.js';
import { DynamoDbLedger } from '../../lib/ledger/dynamodb-ledger.js';
import { systemClock } from '../../lib/pacing/token-bucket.js';
import { issueDeviceCertificate } from '../../lib/pki/index.js';
import { SdkIotRegistry } from '../../lib/provisioning/sdk-iot-registry.js';
import { S3CrlObjects } from '../../lib/revocation/s3-crl-objects.js';
import { sweepCa } from '../../lib/revocation/sweep.js';
import { activatedRecord } from '../helpers/fake-ledger.js';

const here = dirname(fileURLToPath(import.meta.url));
const SHARE = 0.5;
const UPDATE_TPS = 10;

function positive(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 1)
    throw new Error(`--${name} expects a positive integer, got ${value}`);
  return n;
}

export async function run(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: { devices: { type: 'string' }, revoked: { type: 'string' } },
  });
  const devices = positive('devices', values.devices, 200);
  const revoked = Math.min(devices, positive('revoked', values.revoked, 20));
  const aws = await startLocalAws({ quotas: true });
  const quiet = () => undefined;
  try {
    const ca = await addCa(aws, { commonName: 'Sweep Bench CA' });
    const env = aws.sandbox.env();
    const common = { region: aws.sandbox.region, credentials: aws.sandbox.credentials };
    const iotClient = new IoTClient({ ...common, endpoint: aws.sandbox.endpoints.iot });
    const dynamodb = new DynamoDBClient({ ...common, endpoint: env.AWS_ENDPOINT_URL_DYNAMODB });
    const ledger = new DynamoDbLedger({ client: dynamodb, tableName: aws.stateTable });
    process.stderr.write(`setup: ${devices} devices in the registry and the ledger…\n`);
    const setupStarted = performance.now();
    const serials: string[] = [];
    for (let i = 0; i < devices; i++) {
      if (i > 0 && i % 10_000 === 0) {
        const elapsed = (performance.now() - setupStarted) / 1000;
        process.stderr.write(
          `setup: ${i} of ${devices} (${elapsed.toFixed(0)} s; load ${loadavg()[0]?.toFixed(1)})\n`,
        );
      }
      const issued = issueDeviceCertificate({ ca: ca.ca, subject: `CN=bench-${i}`, keyType: 'ec' });
      const serial = issued.serialBytes.toString('hex');
      await iotClient.send(
        new RegisterCertificateCommand({
          certificatePem: issued.certificatePem,
          caCertificatePem: ca.ca.certificatePem,
          status: 'ACTIVE',
        }),
      );
      await ledger.recordOutcome(activatedRecord(issued.certificateId, ca.caCertificateId, serial));
      serials.push(serial);
    }
    const setupSeconds = (performance.now() - setupStarted) / 1000;
    const revokedAt = new Date(Date.now() - 60_000);
    await ca.publishCrl(serials.slice(0, revoked).map((serial) => ({ serial, revocationDate: revokedAt })));
    process.stderr.write(`sweep: ${revoked} revoked at ${UPDATE_TPS * SHARE}/s…\n`);
    const readsBefore = ledger.itemsRead;
    const loadAtStart = Math.round((loadavg()[0] ?? 0) * 10) / 10;
    const started = performance.now();
    const report = await sweepCa(
      {
        iot: new SdkIotRegistry(iotClient),
        crls: new S3CrlObjects({ s3: aws.s3, bucket: aws.bucket, keyTemplate: 'crl/{caCertificateId}.crl' }),
        ledger,
        clock: systemClock,
        logger: { debug: quiet, info: quiet, warn: quiet, error: quiet },
        metrics: { count: quiet },
        config: { maxStalenessSeconds: 3600, updatesPerSecond: UPDATE_TPS * SHARE },
      },
      { caCertificateId: ca.caCertificateId, dryRun: false },
    );
    const wallSeconds = (performance.now() - started) / 1000;
    const quotaBoundSeconds = report.revokedActive / (UPDATE_TPS * SHARE);
    const result = {
      devices,
      revoked,
      revokedActive: report.revokedActive,
      wallSeconds: Math.round(wallSeconds * 100) / 100,
      quotaBoundSeconds,
      ratio: Math.round((wallSeconds / quotaBoundSeconds) * 1000) / 1000,
      ledgerReadsPerRevokedSerial:
        Math.round(((ledger.itemsRead - readsBefore) / Math.max(1, report.newlyRevoked)) * 100) / 100,
      // Of this process, which also runs the sandbox (AWS IoT's registry and dynalite in memory).
      peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
      setupSeconds: Math.round(setupSeconds),
      // 1-minute load average when the sweep started and ended (the machine is shared).
      loadAverage: { sweepStart: loadAtStart, sweepEnd: Math.round((loadavg()[0] ?? 0) * 10) / 10 },
      cpus: cpus().length,
      result: report.result,
      revokedBySweep: report.revoked,
      failures: report.failures.length,
    };
    mkdirSync(join(here, 'results'), { recursive: true });
    const file = join(here, 'results', `sweep-${devices}-${revoked}.json`);
    writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n(written to ${file})\n`);
    iotClient.destroy();
    dynamodb.destroy();
  } finally {
    await aws.stop();
  }
}
