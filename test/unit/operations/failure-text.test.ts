import { describe, expect, it } from 'vitest';
import {
  formatFailureMessage,
  MAX_FAILURE_MESSAGE_BYTES,
  parseFailureText,
  reasonFromError,
  splitRemedy,
} from '../../../lib/operations/failure-text.js';

describe('parseFailureText', () => {
  it.each([
    [
      'a bracketed code',
      'Error',
      '[PolicyNotFound] policy device-base does not exist',
      {
        code: 'PolicyNotFound',
        subject: 'device-base',
        message: '[PolicyNotFound] policy device-base does not exist',
      },
    ],
    [
      'a quoted name',
      'MissingParameterError',
      "template parameter 'AWS::IoT::Certificate::Country' has no value",
      {
        code: 'MissingParameter',
        subject: 'AWS::IoT::Certificate::Country',
        message: "template parameter 'AWS::IoT::Certificate::Country' has no value",
      },
    ],
    [
      'a Lambda timeout',
      'Sandbox.Timedout',
      'Task timed out after 10.00 seconds',
      { message: 'Task timed out after 10.00 seconds' },
    ],
    ['no message', 'ThingTypeNotFoundError', undefined, { code: 'ThingTypeNotFound' }],
    [
      "the template engine's missing parameter",
      'MissingParameterError',
      'parameter AWS::IoT::Certificate::SerialNumber has no value: the certificate subject has no serialNumber (2.5.4.5) attribute and the template gives no Default',
      {
        code: 'MissingParameter',
        subject: 'AWS::IoT::Certificate::SerialNumber',
        message:
          'parameter AWS::IoT::Certificate::SerialNumber has no value: the certificate subject has no serialNumber (2.5.4.5) attribute and the template gives no Default',
      },
    ],
    [
      'a message with its remedy, naming the subject from the message only',
      'ThingGroupNotFoundError',
      "thing group plant-7 does not exist \u2014 remedy: Create 'other-group' or fix the template, then replay the DLQ.",
      {
        code: 'ThingGroupNotFound',
        subject: 'plant-7',
        message: 'thing group plant-7 does not exist',
        remedy: "Create 'other-group' or fix the template, then replay the DLQ.",
      },
    ],
    [
      'a serialised JitrError followed by a remedy',
      'Error',
      '{"code":"PolicyNotFound","message":"policy base is missing","details":{"policyName":"base"}} \u2014 remedy: Create it.',
      { code: 'PolicyNotFound', subject: 'base', message: 'policy base is missing', remedy: 'Create it.' },
    ],
  ])('reads %s', (_name, errorType, errorMessage, want) => {
    // Act / Assess
    expect(parseFailureText(errorType, errorMessage)).toEqual(want);
  });
});

describe('formatFailureMessage', () => {
  it('joins message and remedy so that splitRemedy gets both back', () => {
    // Act
    const text = formatFailureMessage('CA certificate c0 is INACTIVE, not ACTIVE', 'Activate the CA.');
    // Assess
    expect(text).toBe('CA certificate c0 is INACTIVE, not ACTIVE \u2014 remedy: Activate the CA.');
    expect(splitRemedy(text)).toEqual({
      message: 'CA certificate c0 is INACTIVE, not ACTIVE',
      remedy: 'Activate the CA.',
    });
  });

  it('stays within the byte budget by shortening the message, and keeps the remedy whole', () => {
    // Prepare: multi-byte characters, so characters and bytes differ.
    const message = `thing group ${'\u00e9'.repeat(2000)} does not exist`;
    const remedy = 'Create the thing group, then replay the DLQ.';
    // Act
    const text = formatFailureMessage(message, remedy);
    // Assess
    expect(Buffer.byteLength(text, 'utf8')).toBeLessThanOrEqual(MAX_FAILURE_MESSAGE_BYTES);
    expect(Buffer.byteLength(text, 'utf8')).toBeGreaterThan(MAX_FAILURE_MESSAGE_BYTES - 4);
    const split = splitRemedy(text);
    expect(split.remedy).toBe(remedy);
    expect(split.message.startsWith('thing group \u00e9\u00e9')).toBe(true);
    expect(split.message.endsWith('\u2026')).toBe(true);
  });

  it('shortens an overlong remedy too, leaving room for the message', () => {
    // Act
    const text = formatFailureMessage('short message', 'x'.repeat(5000));
    // Assess
    expect(Buffer.byteLength(text, 'utf8')).toBeLessThanOrEqual(MAX_FAILURE_MESSAGE_BYTES);
    expect(splitRemedy(text).message).toBe('short message');
    expect(splitRemedy(text).remedy).toBe(`${'x'.repeat(497)}\u2026`);
  });
});

describe('splitRemedy', () => {
  it('leaves a message without a remedy whole', () => {
    // Act / Assess
    expect(splitRemedy('Task timed out after 10.00 seconds')).toEqual({
      message: 'Task timed out after 10.00 seconds',
    });
  });
});

describe('reasonFromError', () => {
  it('uses the code and the details of a JitrError-like value', () => {
    // Prepare
    const error = Object.assign(new Error('CreateThing was denied'), {
      code: 'AccessDenied',
      details: { missingPermission: 'iot:CreateThing', resource: '*' },
    });
    // Act / Assess
    expect(reasonFromError(error)).toBe('AccessDenied iot:CreateThing');
  });

  it('names a plain error by name and message', () => {
    // Act / Assess
    expect(reasonFromError(new TypeError('x is undefined'))).toBe('TypeError: x is undefined');
  });
});
