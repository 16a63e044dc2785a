// The IoT adapter's reads behind `jitr status`: every page, and a missing certificate's code.
import { IoTClient, ListAttachedPoliciesCommand, ListPrincipalThingsCommand } from '@aws-sdk/client-iot';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { afterEach, describe, expect, it } from 'vitest';
import { SdkIotRegistry } from '../../../lib/provisioning/sdk-iot-registry.js';
import { notFound } from './sdk-errors.js';

const iotMock = mockClient(IoTClient);
const registry = () => new SdkIotRegistry(new IoTClient({ region: 'eu-west-1' }));
const ARN = `arn:aws:iot:eu-west-1:123456789012:cert/${'a'.repeat(64)}`;

afterEach(() => {
  iotMock.reset();
});

describe('SdkIotRegistry status reads', () => {
  it('lists the things of a principal over every page', async () => {
    iotMock
      .on(ListPrincipalThingsCommand, { principal: ARN })
      .resolvesOnce({ things: ['a', 'b'], nextToken: 't2' })
      .resolvesOnce({ things: ['c'] });
    expect(await registry().listPrincipalThings(ARN)).toEqual(['a', 'b', 'c']);
    expect(iotMock).toHaveReceivedCommandWith(ListPrincipalThingsCommand, {
      principal: ARN,
      nextToken: 't2',
    });
  });

  it('lists the policies attached to a certificate over every page (marker)', async () => {
    iotMock
      .on(ListAttachedPoliciesCommand)
      .resolvesOnce({ policies: [{ policyName: 'p1' }], nextMarker: 'm2' })
      .resolvesOnce({ policies: [{ policyName: 'p2' }, {}] });
    expect(await registry().listAttachedPolicies(ARN)).toEqual(['p1', 'p2']);
    expect(iotMock).toHaveReceivedCommandWith(ListAttachedPoliciesCommand, { target: ARN, marker: 'm2' });
  });

  it('reports an unknown certificate as CertificateNotFound', async () => {
    iotMock.on(ListAttachedPoliciesCommand).rejects(notFound('The certificate does not exist'));
    await expect(registry().listAttachedPolicies(ARN)).rejects.toMatchObject({ code: 'CertificateNotFound' });
  });
});
