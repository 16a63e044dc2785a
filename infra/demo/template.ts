/**
 * The provisioning template the demo (and the end-to-end tests) deploy: a JITP-format template
 * whose thing has a type, two groups and attributes taken from the certificate subject, plus
 * a policy whose document uses the `${iot:Connection.Thing.ThingName}` policy variable.
 */

import { iotArn } from '../../lib/arn/arn.js';

export interface DemoTemplateOptions {
  thingTypeName: string;
  thingGroups: readonly string[];
  /** Literal attribute stamped on every thing (lets two templates be told apart). */
  line: string;
}

export const DEMO_TEMPLATE_OPTIONS: DemoTemplateOptions = {
  thingTypeName: 'demo-sensor',
  thingGroups: ['demo-fleet', 'demo-plant-7'],
  line: 'line-a',
};

/** The IoT policy variable the policy is scoped with (a policy variable, not a JS placeholder). */
// biome-ignore lint/suspicious/noTemplateCurlyInString: AWS IoT policy variable syntax.
export const THING_NAME_POLICY_VARIABLE = '${iot:Connection.Thing.ThingName}';

/** The policy the template creates, as the parsed document (AWS names it by a hash of it). */
export function demoPolicyDocument(): Record<string, unknown> {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Action: 'iot:Connect',
        Resource: iotArn('*', '*', 'client', THING_NAME_POLICY_VARIABLE),
      },
      {
        Effect: 'Allow',
        Action: ['iot:Publish', 'iot:Receive'],
        Resource: iotArn('*', '*', 'topic', `devices/${THING_NAME_POLICY_VARIABLE}/*`),
      },
      {
        Effect: 'Allow',
        Action: 'iot:Subscribe',
        Resource: iotArn('*', '*', 'topicfilter', `devices/${THING_NAME_POLICY_VARIABLE}/*`),
      },
    ],
  };
}

/**
 * Builds the template body. The thing is named after the subject CN; the subject
 * serialNumber (2.5.4.5) is required (no Default), so a certificate without it fails with
 * MissingParameter — demo story 3.
 */
export function demoTemplate(options: DemoTemplateOptions = DEMO_TEMPLATE_OPTIONS): Record<string, unknown> {
  return {
    Parameters: {
      'AWS::IoT::Certificate::CommonName': { Type: 'String' },
      'AWS::IoT::Certificate::SerialNumber': { Type: 'String' },
      'AWS::IoT::Certificate::Organization': { Type: 'String', Default: 'unknown' },
      'AWS::IoT::Certificate::Id': { Type: 'String' },
    },
    Resources: {
      thing: {
        Type: 'AWS::IoT::Thing',
        Properties: {
          ThingName: { Ref: 'AWS::IoT::Certificate::CommonName' },
          ThingTypeName: options.thingTypeName,
          ThingGroups: [...options.thingGroups],
          AttributePayload: {
            serialNumber: { Ref: 'AWS::IoT::Certificate::SerialNumber' },
            organization: { Ref: 'AWS::IoT::Certificate::Organization' },
            line: options.line,
          },
        },
        OverrideSettings: {
          AttributePayload: 'MERGE',
          ThingTypeName: 'REPLACE',
          ThingGroups: 'DO_NOTHING',
        },
      },
      certificate: {
        Type: 'AWS::IoT::Certificate',
        Properties: {
          CertificateId: { Ref: 'AWS::IoT::Certificate::Id' },
          Status: 'ACTIVE',
        },
        OverrideSettings: { Status: 'DO_NOTHING' },
      },
      policy: {
        Type: 'AWS::IoT::Policy',
        Properties: { PolicyDocument: JSON.stringify(demoPolicyDocument()) },
      },
    },
  };
}
