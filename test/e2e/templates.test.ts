// Template sources of the deployed function: an S3 template (re-read after it changes), and a
// different template per CA (TEMPLATE_SOURCE_BY_CA), including an AWS IoT provisioning template.
import { CreateProvisioningTemplateCommand } from '@aws-sdk/client-iot';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readDeviceState } from '../../infra/demo/device-state.js';
import { DEMO_TEMPLATE_OPTIONS, type DemoTemplateOptions, demoTemplate } from '../../infra/demo/template.js';
import { createTemplateResources, uploadTemplate } from '../../infra/local-aws/aws-setup.js';
import { addCa, type LocalCa } from '../../infra/local-aws/local-aws.js';
import { dlqRecords, type E2e, issueDevice, provisionedState, startE2e } from '../helpers/e2e-jitr.js';

const GATEWAY: DemoTemplateOptions = {
  thingTypeName: 'demo-gateway',
  thingGroups: ['gw-fleet'],
  line: 'line-b',
};
const CAMERA: DemoTemplateOptions = {
  thingTypeName: 'demo-camera',
  thingGroups: ['cam-fleet', 'cam-site-3'],
  line: 'line-c',
};

describe('template sources', () => {
  let e2e: E2e;
  let gatewayCa: LocalCa;
  let cameraCa: LocalCa;

  beforeAll(async () => {
    e2e = await startE2e({
      env: async ({ aws }) => {
        gatewayCa = await addCa(aws, { commonName: 'Gateway CA' });
        cameraCa = await addCa(aws, { commonName: 'Camera CA' });
        await createTemplateResources(aws.iot, GATEWAY);
        await createTemplateResources(aws.iot, CAMERA);
        const gatewaySource = await uploadTemplate(
          aws.s3,
          aws.bucket,
          'templates/gateway.json',
          demoTemplate(GATEWAY),
        );
        await aws.iot.send(
          new CreateProvisioningTemplateCommand({
            templateName: 'demo-camera',
            templateBody: JSON.stringify(demoTemplate(CAMERA)),
            provisioningRoleArn: `arn:aws:iam::${aws.sandbox.accountId}:role/jitp-role`,
            type: 'JITP',
            enabled: true,
          }),
        );
        return {
          TEMPLATE_SOURCE_BY_CA: JSON.stringify({
            [gatewayCa.caCertificateId]: gatewaySource,
            [cameraCa.caCertificateId]: 'iot:demo-camera',
          }),
        };
      },
    });
  });

  afterAll(async () => {
    await e2e?.stop();
  });

  it('provisions from the S3 template in TEMPLATE_SOURCE, and from its new version once it changes', async () => {
    // Prepare
    const before = { commonName: 's3-before', serialNumber: 'SN-T1' };
    const after = { commonName: 's3-after', serialNumber: 'SN-T2' };
    const changed: DemoTemplateOptions = { ...DEMO_TEMPLATE_OPTIONS, line: 'line-a2' };
    const first = issueDevice(e2e.ca, before);
    const second = issueDevice(e2e.ca, after);

    // Act
    await e2e.deployment.connect(first.certificatePem);
    await uploadTemplate(e2e.aws.s3, e2e.aws.bucket, 'templates/demo.json', demoTemplate(changed));
    await e2e.deployment.connect(second.certificatePem);

    // Assess
    expect(e2e.templateSource).toBe('s3://jitr-demo/templates/demo.json');
    expect(await readDeviceState(e2e.aws.iot, first.certificateId)).toEqual(provisionedState(first, before));
    expect(await readDeviceState(e2e.aws.iot, second.certificateId)).toEqual(
      provisionedState(second, after, changed),
    );
  });

  it('uses the template mapped to each CA, and the default for CAs not mapped', async () => {
    // Prepare
    const subjects = {
      sensor: { commonName: 'per-ca-sensor', serialNumber: 'SN-A' },
      gateway: { commonName: 'per-ca-gateway', serialNumber: 'SN-B' },
      camera: { commonName: 'per-ca-camera', serialNumber: 'SN-C' },
    };
    const sensor = issueDevice(e2e.ca, subjects.sensor);
    const gateway = issueDevice(gatewayCa, subjects.gateway);
    const camera = issueDevice(cameraCa, subjects.camera);
    await uploadTemplate(e2e.aws.s3, e2e.aws.bucket, 'templates/demo.json', demoTemplate());

    // Act
    await Promise.all([sensor, gateway, camera].map((d) => e2e.deployment.connect(d.certificatePem)));

    // Assess
    expect(await readDeviceState(e2e.aws.iot, sensor.certificateId)).toEqual(
      provisionedState(sensor, subjects.sensor),
    );
    expect(await readDeviceState(e2e.aws.iot, gateway.certificateId)).toEqual(
      provisionedState(gateway, subjects.gateway, GATEWAY),
    );
    expect(await readDeviceState(e2e.aws.iot, camera.certificateId)).toEqual(
      provisionedState(camera, subjects.camera, CAMERA),
    );
    expect(dlqRecords(e2e)).toEqual([]);
  });
});
