import { describe, expect, it } from 'vitest';
import {
  accountOfArn,
  iotArn,
  iotResourceName,
  iotResourceOf,
  lambdaFunctionArn,
  lambdaFunctionName,
  parseArn,
  regionOfArn,
  s3ObjectArn,
  sqsQueueArn,
  sqsQueueName,
} from '../../../lib/arn/arn.js';

const CERT = `arn:aws:iot:eu-west-1:123456789012:cert/${'ab'.repeat(32)}`;

describe('ARNs', () => {
  it('parses the six parts, keeping colons inside the resource', () => {
    expect(parseArn('arn:aws:lambda:eu-west-1:123456789012:function:jitr:live')).toEqual({
      partition: 'aws',
      service: 'lambda',
      region: 'eu-west-1',
      account: '123456789012',
      resource: 'function:jitr:live',
    });
    expect(parseArn('arn:aws:s3:::bucket/crl/a.crl')).toMatchObject({
      region: '',
      account: '',
      resource: 'bucket/crl/a.crl',
    });
  });

  it('refuses what is not an ARN', () => {
    for (const text of [
      '',
      'jitr',
      'arn:aws:iot',
      'urn:aws:iot:r:1:thing/x',
      'arn::iot:r:1:thing/x',
      'arn:aws::r:1:x',
    ]) {
      expect(parseArn(text)).toBeNull();
    }
  });

  it('reads the account (12 digits only) and the region', () => {
    expect([accountOfArn(CERT), regionOfArn(CERT)]).toEqual(['123456789012', 'eu-west-1']);
    expect([accountOfArn('arn:aws:iot:r:12345:cert/x'), accountOfArn('nope')]).toEqual([null, null]);
    expect(regionOfArn('arn:aws:s3:::b/k')).toBeNull();
  });

  it('writes and reads IoT resource ARNs', () => {
    expect(iotArn('eu-west-1', '123456789012', 'thing', 'lamp-1')).toBe(
      'arn:aws:iot:eu-west-1:123456789012:thing/lamp-1',
    );
    expect(iotArn('*', '*', 'cert', '*')).toBe('arn:aws:iot:*:*:cert/*');
    expect(iotResourceName(CERT, 'cert')).toBe('ab'.repeat(32));
    expect(iotResourceName(CERT, 'thinggroup')).toBeNull();
    expect(iotResourceName('arn:aws:s3:::cert/x', 'cert')).toBeNull();
    expect(iotResourceOf(`arn:aws:iot:*:*:topic/devices/\${iot:ClientId}/state`)).toBe(
      `topic/devices/\${iot:ClientId}/state`,
    );
    expect(iotResourceOf('*')).toBe('*');
  });

  it('takes the function name from a function ARN, with or without a qualifier, or a bare name', () => {
    expect(lambdaFunctionName('arn:aws:lambda:eu-west-1:123456789012:function:jitr')).toBe('jitr');
    expect(lambdaFunctionName('arn:aws:lambda:eu-west-1:123456789012:function:jitr:$LATEST')).toBe('jitr');
    expect(lambdaFunctionName('jitr')).toBe('jitr');
    expect(lambdaFunctionName('arn:aws:iot:eu-west-1:123456789012:thing/jitr')).toBe(
      'arn:aws:iot:eu-west-1:123456789012:thing/jitr',
    );
  });

  it('writes S3 object ARNs', () => {
    expect(s3ObjectArn('crls', 'crl/ab.crl')).toBe('arn:aws:s3:::crls/crl/ab.crl');
  });

  it('writes Lambda function and SQS queue ARNs, and reads a queue name back', () => {
    const queue = sqsQueueArn('eu-west-1', '123456789012', 'jitr-dlq');
    expect([
      lambdaFunctionArn('eu-west-1', '123456789012', 'jitr'),
      queue,
      sqsQueueName(queue),
      sqsQueueName('jitr-dlq'),
      lambdaFunctionName(lambdaFunctionArn('eu-west-1', '123456789012', 'jitr')),
    ]).toEqual([
      'arn:aws:lambda:eu-west-1:123456789012:function:jitr',
      'arn:aws:sqs:eu-west-1:123456789012:jitr-dlq',
      'jitr-dlq',
      'jitr-dlq',
      'jitr',
    ]);
  });
});
