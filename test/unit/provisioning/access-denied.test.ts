import { describe, expect, it } from 'vitest';
import {
  type AccessDeniedFacts,
  accessDeniedRemedy,
  parseAccessDenied,
} from '../../../lib/provisioning/access-denied.js';

const ROLE = 'arn:aws:sts::123456789012:assumed-role/jitr-role/jitr-fn';

// Message formats from the IAM user guide ("Troubleshooting access denied error messages") and
// real answers quoted in aws/aws-connected-device-framework#36 and aws-amplify/aws-sdk-android#640.
const rows: { name: string; message: string; want: AccessDeniedFacts }[] = [
  {
    name: 'implicit deny by the identity-based policy',
    message: `User: ${ROLE} is not authorized to perform: iot:CreateThing on resource: arn:aws:iot:eu-west-1:123456789012:thing/dev-1 because no identity-based policy allows the iot:CreateThing action`,
    want: {
      missingPermission: 'iot:CreateThing',
      resource: 'arn:aws:iot:eu-west-1:123456789012:thing/dev-1',
      principal: ROLE,
      denyKind: 'implicit',
      policyType: 'identity-based',
      statement: {
        Effect: 'Allow',
        Action: 'iot:CreateThing',
        Resource: 'arn:aws:iot:eu-west-1:123456789012:thing/dev-1',
      },
    },
  },
  {
    name: 'implicit deny on resource *',
    message:
      'User: arn:aws:sts::876972130410:assumed-role/cdf-provisioning-development-LambdaExecutionRole-1O132CZTTSXBM/cdf-provisioning-rest-development is not authorized to perform: iot:RegisterCertificateWithoutCA on resource: * because no identity-based policy allows the iot:RegisterCertificateWithoutCA action',
    want: {
      missingPermission: 'iot:RegisterCertificateWithoutCA',
      resource: '*',
      principal:
        'arn:aws:sts::876972130410:assumed-role/cdf-provisioning-development-LambdaExecutionRole-1O132CZTTSXBM/cdf-provisioning-rest-development',
      denyKind: 'implicit',
      policyType: 'identity-based',
      statement: { Effect: 'Allow', Action: 'iot:RegisterCertificateWithoutCA', Resource: '*' },
    },
  },
  {
    name: 'explicit deny in a service control policy',
    message: `User: ${ROLE} is not authorized to perform: iot:AttachPolicy on resource: arn:aws:iot:eu-west-1:123456789012:cert/abc with an explicit deny in a service control policy`,
    want: {
      missingPermission: 'iot:AttachPolicy',
      resource: 'arn:aws:iot:eu-west-1:123456789012:cert/abc',
      principal: ROLE,
      denyKind: 'explicit',
      policyType: 'service control',
      statement: {
        Effect: 'Allow',
        Action: 'iot:AttachPolicy',
        Resource: 'arn:aws:iot:eu-west-1:123456789012:cert/abc',
      },
    },
  },
  {
    name: 'implicit deny by a permissions boundary',
    message: `User: ${ROLE} is not authorized to perform: iot:UpdateCertificate on resource: arn:aws:iot:eu-west-1:123456789012:cert/abc because no permissions boundary allows the iot:UpdateCertificate action`,
    want: {
      missingPermission: 'iot:UpdateCertificate',
      resource: 'arn:aws:iot:eu-west-1:123456789012:cert/abc',
      principal: ROLE,
      denyKind: 'implicit',
      policyType: 'permissions boundary',
      statement: {
        Effect: 'Allow',
        Action: 'iot:UpdateCertificate',
        Resource: 'arn:aws:iot:eu-west-1:123456789012:cert/abc',
      },
    },
  },
  {
    name: 'older format without context',
    message:
      'User: arn:aws:sts::884418826570:assumed-role/cognito-auth/CognitoIdentityCredentials is not authorized to perform: iot:AttachPolicy on resource: ap-southeast-1:81084a40-f161-4960-90f9-835f3d8de579',
    want: {
      missingPermission: 'iot:AttachPolicy',
      resource: 'ap-southeast-1:81084a40-f161-4960-90f9-835f3d8de579',
      principal: 'arn:aws:sts::884418826570:assumed-role/cognito-auth/CognitoIdentityCredentials',
      denyKind: 'unknown',
      policyType: null,
      statement: {
        Effect: 'Allow',
        Action: 'iot:AttachPolicy',
        Resource: 'ap-southeast-1:81084a40-f161-4960-90f9-835f3d8de579',
      },
    },
  },
  {
    name: 'a message that names nothing falls back to the failed call',
    message: 'Access Denied',
    want: {
      missingPermission: 'iot:DescribeThing',
      resource: '*',
      principal: null,
      denyKind: 'unknown',
      policyType: null,
      statement: { Effect: 'Allow', Action: 'iot:DescribeThing', Resource: '*' },
    },
  },
];

describe('parseAccessDenied', () => {
  it.each(rows)('parses $name', ({ message, want }) => {
    // Act
    const facts = parseAccessDenied(message, 'iot:DescribeThing');
    // Assess
    expect(facts).toEqual(want);
  });

  it('gives the statement to add for an implicit deny', () => {
    // Prepare
    const facts = parseAccessDenied(rows[0]?.message ?? '', 'iot:CreateThing');
    // Act
    const remedy = accessDeniedRemedy(facts);
    // Assess
    expect(remedy).toBe(
      'Add this statement to the function\'s role policy: {"Effect":"Allow","Action":"iot:CreateThing","Resource":"arn:aws:iot:eu-west-1:123456789012:thing/dev-1"}, then replay the DLQ.',
    );
  });

  it('says an explicit deny must be removed', () => {
    // Prepare
    const facts = parseAccessDenied(rows[2]?.message ?? '', 'iot:AttachPolicy');
    // Act
    const remedy = accessDeniedRemedy(facts);
    // Assess
    expect(remedy).toBe(
      'An explicit Deny in a service control policy blocks iot:AttachPolicy on arn:aws:iot:eu-west-1:123456789012:cert/abc: remove or narrow that Deny (an Allow cannot override it), make sure the function\'s role also has {"Effect":"Allow","Action":"iot:AttachPolicy","Resource":"arn:aws:iot:eu-west-1:123456789012:cert/abc"}, then replay the DLQ.',
    );
  });
});
