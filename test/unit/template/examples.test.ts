import { describe, expect, it } from 'vitest';
import { render } from '../../../lib/template/render.js';
import { CERT_ID, expectError, fixture } from './helpers.js';

// The AWS example templates, verbatim from the AWS IoT developer guide (awsdocs/aws-iot-docs,
// developerguide/jit-provisioning.md and provision-template.md). The fleet example is the current
// page's version (with a ThingName parameter); the archived copy has an extra closing brace.
const PUBLISH_POLICY = {
  Version: '2012-10-17',
  Statement: [
    {
      Effect: 'Allow',
      Action: ['iot:Publish'],
      Resource: ['arn:aws:iot:us-east-1:123456789012:topic/foo/bar'],
    },
  ],
};
// sha256 of {"Statement":[{"Action":["iot:Publish"],"Effect":"Allow","Resource":[…]}],"Version":"2012-10-17"}
const PUBLISH_POLICY_NAME = 'ef169b85014d112cccf6d75b4e16529f7a812785853a3b554c19637b1e9c0149';

describe('render with the AWS example templates', () => {
  it('renders the JITP example (registration-config wrapper) into the exact plan', () => {
    // Prepare
    const parameters = {
      'AWS::IoT::Certificate::CommonName': 'lamp-0042',
      'AWS::IoT::Certificate::SerialNumber': 'SN-0042',
      'AWS::IoT::Certificate::Country': 'DE',
      'AWS::IoT::Certificate::Id': CERT_ID,
      'JITR::Certificate::Locality': 'Berlin',
    };
    // Act
    const plan = render(fixture('jitp-registration-config.json'), parameters);
    // Assess
    expect(plan).toEqual({
      parameters: {
        'AWS::IoT::Certificate::CommonName': 'lamp-0042',
        'AWS::IoT::Certificate::SerialNumber': 'SN-0042',
        'AWS::IoT::Certificate::Country': 'DE',
        'AWS::IoT::Certificate::Id': CERT_ID,
      },
      thing: {
        logicalName: 'thing',
        thingName: 'lamp-0042',
        thingTypeName: 'lightBulb-versionA',
        thingGroups: ['v1-lightbulbs', 'DE'],
        billingGroup: null,
        attributes: { version: 'v1', serialNumber: 'SN-0042' },
        overrideSettings: { AttributePayload: 'MERGE', ThingTypeName: 'REPLACE', ThingGroups: 'DO_NOTHING' },
      },
      certificate: {
        logicalName: 'certificate',
        certificateId: CERT_ID,
        status: 'ACTIVE',
        overrideSettings: { Status: 'DO_NOTHING' },
      },
      policies: [{ logicalName: 'policy', policyName: PUBLISH_POLICY_NAME, policyDocument: PUBLISH_POLICY }],
    });
  });

  it('fails the JITP example when the certificate has no Country, naming the subject attribute', () => {
    // Prepare
    const parameters = {
      'AWS::IoT::Certificate::CommonName': 'lamp-0042',
      'AWS::IoT::Certificate::SerialNumber': 'SN-0042',
      'AWS::IoT::Certificate::Id': CERT_ID,
    };
    // Act
    const error = expectError(() => render(fixture('jitp-registration-config.json'), parameters), {
      code: 'MissingParameter',
      path: 'Parameters["AWS::IoT::Certificate::Country"]',
      disposition: 'configuration',
    });
    // Assess
    expect(error.details).toEqual({
      parameter: 'AWS::IoT::Certificate::Country',
      subjectAttribute: 'C',
      oid: '2.5.4.6',
    });
  });

  it('renders the fleet-provisioning example (object policy, Mappings, DeviceConfiguration, "Active")', () => {
    // Prepare
    const parameters = {
      ThingName: 'bulb-7',
      SerialNumber: '0007',
      DeviceLocation: 'Seattle',
      'AWS::IoT::Certificate::Id': CERT_ID,
    };
    // Act
    const plan = render(fixture('fleet-provisioning.json'), parameters);
    // Assess
    expect(plan).toEqual({
      parameters: {
        ThingName: 'bulb-7',
        SerialNumber: '0007',
        DeviceLocation: 'Seattle',
        'AWS::IoT::Certificate::Id': CERT_ID,
      },
      thing: {
        logicalName: 'thing',
        thingName: 'bulb-7',
        thingTypeName: 'ThingPrefix_0007',
        thingGroups: ['v1-lightbulbs', 'WA'],
        billingGroup: 'LightBulbBillingGroup',
        attributes: { version: 'v1', serialNumber: 'serialNumber' },
        overrideSettings: { AttributePayload: 'MERGE', ThingTypeName: 'REPLACE', ThingGroups: 'DO_NOTHING' },
      },
      certificate: {
        logicalName: 'certificate',
        certificateId: CERT_ID,
        status: 'ACTIVE',
        overrideSettings: { Status: 'DO_NOTHING' },
      },
      policies: [{ logicalName: 'policy', policyName: PUBLISH_POLICY_NAME, policyDocument: PUBLISH_POLICY }],
    });
  });

  it('rejects the bulk-registration examples, which give no ThingName', () => {
    for (const name of ['bulk-registration-csr.json', 'bulk-registration-certificate-id.json']) {
      expectError(() => render(fixture(name), { SerialNumber: 'SN-1', CertificateId: CERT_ID, CSR: 'x' }), {
        code: 'InvalidTemplate',
        path: 'Resources.thing.Properties.ThingName',
      });
    }
  });

  it('rejects the bulk CSR example with a ThingName: the JITR certificate already exists', () => {
    // Prepare
    const template = JSON.parse(fixture('bulk-registration-csr.json'));
    template.Resources.thing.Properties.ThingName = { Ref: 'SerialNumber' };
    // Act / Assess
    expectError(() => render(template, { SerialNumber: 'SN-1', CSR: 'x' }), {
      code: 'UnsupportedTemplateFeature',
      path: 'Resources.certificate.Properties.CertificateSigningRequest',
    });
  });

  it('renders the bulk certificate-id example once a ThingName is added, using the Location Default', () => {
    // Prepare
    const template = JSON.parse(fixture('bulk-registration-certificate-id.json'));
    template.Resources.thing.Properties.ThingName = { Ref: 'SerialNumber' };
    // Act
    const plan = render(template, { SerialNumber: 'SN-1', CertificateId: CERT_ID });
    // Assess
    expect(plan).toEqual({
      parameters: { SerialNumber: 'SN-1', Location: 'WA', CertificateId: CERT_ID },
      thing: {
        logicalName: 'thing',
        thingName: 'SN-1',
        thingTypeName: 'lightBulb-versionA',
        thingGroups: ['v1-lightbulbs', 'WA'],
        billingGroup: null,
        attributes: { version: 'v1', serialNumber: 'SN-1' },
        overrideSettings: {
          AttributePayload: 'DO_NOTHING',
          ThingTypeName: 'DO_NOTHING',
          ThingGroups: 'DO_NOTHING',
        },
      },
      certificate: {
        logicalName: 'certificate',
        certificateId: CERT_ID,
        status: 'ACTIVE',
        overrideSettings: { Status: 'DO_NOTHING' },
      },
      policies: [{ logicalName: 'policy', policyName: PUBLISH_POLICY_NAME, policyDocument: PUBLISH_POLICY }],
    });
  });
});
