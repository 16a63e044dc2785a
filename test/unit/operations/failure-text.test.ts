import { describe, expect, it } from 'vitest';
import {
  formatFailureMessage,
  MAX_FAILURE_MESSAGE_BYTES,
  parseFailureText,
  reasonFromError,
  splitRemedy,
} from '../../../lib/operations/failure-text.js';

describe('the DLQ wire format', () => {
  it('writes [Code] <message> — remedy: <remedy>, which parseFailureText reads back', () => {
    // Act
    const text = formatFailureMessage(
      'CaNotActive',
      'CA certificate c0 is INACTIVE, not ACTIVE',
      'Activate the CA.',
    );
    // Assess
    expect(text).toBe(
      '[CaNotActive] CA certificate c0 is INACTIVE, not ACTIVE \u2014 remedy: Activate the CA.',
    );
    expect(parseFailureText(undefined, text)).toEqual({
      code: 'CaNotActive',
      message: 'CA certificate c0 is INACTIVE, not ACTIVE',
      remedy: 'Activate the CA.',
    });
  });

  it('carries the code without the error type (a classic DLQ keeps only ErrorMessage)', () => {
    // Prepare: the error type is a generic one or missing altogether.
    const text = formatFailureMessage('AccessDenied', 'CreateThing was denied', 'Add iot:CreateThing.');
    // Act / Assess
    expect(parseFailureText('Error', text).code).toBe('AccessDenied');
    expect(parseFailureText(undefined, text).code).toBe('AccessDenied');
  });

  it('takes the prefix over the error type, whatever the message says', () => {
    // Prepare: the message names other codes and IAM actions in its English text.
    const text = formatFailureMessage(
      'ThingGroupNotFound',
      'AccessDenied: iot:CreateThing would fail too, policy plant-7 is fine',
      'Create it.',
    );
    // Act / Assess
    expect(parseFailureText('MissingParameterError', text)).toEqual({
      code: 'ThingGroupNotFound',
      message: 'AccessDenied: iot:CreateThing would fail too, policy plant-7 is fine',
      remedy: 'Create it.',
    });
  });

  it('stays within the byte budget by shortening the message, and keeps code and remedy whole', () => {
    // Prepare: multi-byte characters, so characters and bytes differ.
    const message = `thing group ${'\u00e9'.repeat(2000)} does not exist`;
    const remedy = 'Create the thing group, then replay the DLQ.';
    // Act
    const text = formatFailureMessage('ThingGroupNotFound', message, remedy);
    // Assess
    expect(Buffer.byteLength(text, 'utf8')).toBeLessThanOrEqual(MAX_FAILURE_MESSAGE_BYTES);
    expect(Buffer.byteLength(text, 'utf8')).toBeGreaterThan(MAX_FAILURE_MESSAGE_BYTES - 4);
    const parsed = parseFailureText(undefined, text);
    expect(parsed.code).toBe('ThingGroupNotFound');
    expect(parsed.remedy).toBe(remedy);
    expect(parsed.message?.startsWith('thing group \u00e9\u00e9')).toBe(true);
    expect(parsed.message?.endsWith('\u2026')).toBe(true);
  });

  it('shortens an overlong remedy too, leaving room for the message', () => {
    // Act
    const text = formatFailureMessage('InvalidTemplate', 'short message', 'x'.repeat(5000));
    // Assess
    expect(Buffer.byteLength(text, 'utf8')).toBeLessThanOrEqual(MAX_FAILURE_MESSAGE_BYTES);
    expect(parseFailureText(undefined, text)).toEqual({
      code: 'InvalidTemplate',
      message: 'short message',
      remedy: `${'x'.repeat(497)}\u2026`,
    });
  });

  it('refuses a code that is not one', () => {
    // Act / Assess
    expect(() => formatFailureMessage('not a code', 'm', 'r')).toThrow(RangeError);
  });
});

describe('parseFailureText', () => {
  it.each([
    [
      'a record written before the prefix existed: the <Code>Error type',
      'ThingGroupNotFoundError',
      'thing group plant-7 does not exist \u2014 remedy: Create it.',
      { code: 'ThingGroupNotFound', message: 'thing group plant-7 does not exist', remedy: 'Create it.' },
    ],
    [
      'a Lambda timeout (no code anywhere)',
      'Sandbox.Timedout',
      'Task timed out after 10.00 seconds',
      { message: 'Task timed out after 10.00 seconds' },
    ],
    ['no message', 'ThingTypeNotFoundError', undefined, { code: 'ThingTypeNotFound' }],
    [
      'a "Code:" lead-in is English text, not the wire format',
      undefined,
      'ThingGroupNotFound: thing group plant-7 does not exist',
      { message: 'ThingGroupNotFound: thing group plant-7 does not exist' },
    ],
  ])('reads %s', (_name, errorType, errorMessage, want) => {
    // Act / Assess
    expect(parseFailureText(errorType, errorMessage)).toEqual(want);
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
  it('gives the code and the message of a JitrError-like value', () => {
    // Prepare
    const error = Object.assign(new Error('CreateThing was denied'), {
      code: 'AccessDenied',
      details: { missingPermission: 'iot:CreateThing', resource: '*' },
    });
    // Act / Assess
    expect(reasonFromError(error)).toBe('AccessDenied: CreateThing was denied');
  });

  it('reads a message already in the wire format once', () => {
    // Prepare
    const error = Object.assign(new Error('[AccessDenied] CreateThing was denied \u2014 remedy: Add it.'), {
      code: 'AccessDenied',
    });
    // Act / Assess
    expect(reasonFromError(error)).toBe('AccessDenied: CreateThing was denied');
  });

  it('names a plain error by name and message', () => {
    // Act / Assess
    expect(reasonFromError(new TypeError('x is undefined'))).toBe('TypeError: x is undefined');
  });
});
