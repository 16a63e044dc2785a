// The requests of a warm registration and which of them go out together (issue 11 targets:
// shared ≤ 4 sequential round trips and ≤ 7 IoT calls, exclusive ≤ 6 and ≤ 9 with one
// ListThingPrincipals; the claim's own round trip keeps both one above: README),
// through the built handler and the real SDK. Round trips come from the sandbox's request log
// at a latency long enough (250 ms) that requests sent together always overlap; the times
// themselves are the latency bench's business, not this test's.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueDevice } from '../../infra/demo/devices.js';
import { DEMO_TEMPLATE_OPTIONS, demoTemplate } from '../../infra/demo/template.js';
import { createTemplateResources, uploadTemplate } from '../../infra/local-aws/aws-setup.js';
import { addCa, type LocalAws, type LocalCa, startLocalAws } from '../../infra/local-aws/local-aws.js';
import { analyse } from '../bench/latency/round-trips.js';
import { ensureHandlerBundle } from '../helpers/e2e-bundle.js';
import { deployForTest } from '../helpers/e2e-deployment.js';

let aws: LocalAws;
let ca: LocalCa;
let templateSource: string;
let serial = 0;

beforeAll(async () => {
  await ensureHandlerBundle();
  aws = await startLocalAws({ quotas: false });
  ca = await addCa(aws, { commonName: 'Latency Path CA' });
  await createTemplateResources(aws.iot, DEMO_TEMPLATE_OPTIONS);
  templateSource = await uploadTemplate(aws.s3, aws.bucket, 'templates/demo.json', demoTemplate());
});

afterAll(async () => {
  await aws?.stop();
});

function device() {
  serial += 1;
  return issueDevice(ca.ca, {
    commonName: `path-${serial}`,
    serialNumber: `SN-P${serial}`,
    organization: 'Example-Corp',
  });
}

async function measure(mode: 'shared' | 'exclusive', refreshSeconds: string) {
  aws.sandbox.faults.setLatency(null);
  const deployment = await deployForTest(aws, {
    env: {
      TEMPLATE_SOURCE: templateSource,
      THING_PRINCIPAL_POLICY: mode,
      POWERTOOLS_LOG_LEVEL: 'WARN',
      CRL_REFRESH_SECONDS: refreshSeconds,
      TEMPLATE_REFRESH_SECONDS: refreshSeconds,
    },
    containers: 1,
    retries: 0,
  });
  try {
    await deployment.connect(device().certificatePem); // warm: CA, CRL, template, policy cached
    aws.sandbox.faults.setLatency({ fixedMs: 250 });
    const spans = aws.sandbox.faults.requests.start();
    const outcome = await deployment.connect(device().certificatePem);
    aws.sandbox.faults.requests.stop();
    expect(outcome.outcome).toBe('registered');
    return analyse(spans);
  } finally {
    aws.sandbox.faults.setLatency(null);
    await deployment.fn.stop();
  }
}

describe('a warm registration of a new device, demo template', () => {
  it('shared: 5 round trips, 7 IoT calls; the CRL and the template re-checks go with DescribeCertificate', async () => {
    // The CRL and the template are re-checked on every event here (refresh 0 s): two S3 GETs.
    const result = await measure('shared', '0');
    expect(result.path).toEqual([
      'UpdateItem',
      'DescribeCertificate + GET + GET',
      'AttachPolicy + CreateThing',
      'AddThingToThingGroup + AddThingToThingGroup + AttachThingPrincipal',
      'UpdateCertificate',
    ]);
    expect([result.roundTripsToActivation, result.iotCallsToActivation, result.listThingPrincipals]).toEqual([
      5, 7, 0,
    ]);
    expect(result.dynamodbBeforeActivation).toBe(1);
  }, 60_000);

  it('exclusive: 7 round trips, 9 IoT calls, ListThingPrincipals once', async () => {
    const result = await measure('exclusive', '300');
    expect(result.path).toEqual([
      'UpdateItem',
      'DescribeCertificate',
      'DescribeThing',
      'CreateThing',
      'AddThingToThingGroup + AddThingToThingGroup + AttachPolicy + AttachThingPrincipal',
      'ListThingPrincipals',
      'UpdateCertificate',
    ]);
    expect([result.roundTripsToActivation, result.iotCallsToActivation, result.listThingPrincipals]).toEqual([
      7, 9, 1,
    ]);
  }, 60_000);
});
