import { describe, expect, it } from 'vitest';
import { parseFailureText, reasonFromError } from '../../../lib/operations/failure-text.js';

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
  ])('reads %s', (_name, errorType, errorMessage, want) => {
    // Act / Assess
    expect(parseFailureText(errorType, errorMessage)).toEqual(want);
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
