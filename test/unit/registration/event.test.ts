import { describe, expect, it } from 'vitest';
import { InvalidEventError } from '../../../lib/registration/errors.js';
import { eventIds, parseRegisteredEvent, unknownEventFields } from '../../../lib/registration/event.js';
import { getTestEvent } from '../handler/events.js';

function failure(value: unknown): { code: string; path: string | undefined; message: string } {
  try {
    parseRegisteredEvent(value);
  } catch (error) {
    if (error instanceof InvalidEventError)
      return { code: error.code, path: error.path, message: error.message };
    throw error;
  }
  throw new Error('expected an InvalidEventError');
}

describe('parseRegisteredEvent', () => {
  it('returns exactly the six fields of the sample event', () => {
    const event = getTestEvent('registered');
    expect(parseRegisteredEvent(event)).toEqual(event);
  });

  it('accepts a null registration timestamp and lowercases the ids', () => {
    // Prepare
    const event = { ...getTestEvent('registered'), certificateRegistrationTimestamp: null };
    const upper = { ...event, certificateId: event.certificateId.toUpperCase() };
    // Act
    const parsed = parseRegisteredEvent(upper);
    // Assess
    expect(parsed).toEqual(event);
  });

  it('ignores fields AWS may add, and lists them', () => {
    const event = { ...getTestEvent('registered'), region: 'eu-west-1' };
    expect(parseRegisteredEvent(event)).toEqual(getTestEvent('registered'));
    expect(unknownEventFields(event)).toEqual(['region']);
  });

  it.each([
    ['not an object', [], '$'],
    ['null', null, '$'],
    ['short certificateId', { certificateId: 'abc' }, '$.certificateId'],
    ['non-hex certificateId', { certificateId: 'g'.repeat(64) }, '$.certificateId'],
    ['numeric caCertificateId', { caCertificateId: 7 }, '$.caCertificateId'],
    ['timestamp as a string', { timestamp: '1795323600000' }, '$.timestamp'],
    ['negative timestamp', { timestamp: -1 }, '$.timestamp'],
    ['fractional timestamp', { timestamp: 1.5 }, '$.timestamp'],
    ['ACTIVE status', { certificateStatus: 'ACTIVE' }, '$.certificateStatus'],
    ['short account id', { awsAccountId: '12345' }, '$.awsAccountId'],
    [
      'numeric registration timestamp',
      { certificateRegistrationTimestamp: 1795323599990 },
      '$.certificateRegistrationTimestamp',
    ],
    [
      'non-digit registration timestamp',
      { certificateRegistrationTimestamp: 'yesterday' },
      '$.certificateRegistrationTimestamp',
    ],
  ])('rejects %s', (_name, patch, path) => {
    const value =
      Array.isArray(patch) || patch === null ? patch : { ...getTestEvent('registered'), ...patch };
    const error = failure(value);
    expect([error.code, error.path]).toEqual(['InvalidEvent', path]);
  });

  it('rejects a missing registration timestamp', () => {
    const { certificateRegistrationTimestamp: _dropped, ...event } = getTestEvent('registered');
    expect(failure(event).path).toBe('$.certificateRegistrationTimestamp');
  });

  it('rejects the malformed sample event at its first bad field', () => {
    expect(failure(getTestEvent('malformed'))).toEqual({
      code: 'InvalidEvent',
      path: '$.certificateId',
      message: 'certificateId is not a 64-hex-character certificate id',
    });
  });
});

describe('eventIds', () => {
  it('keeps only well-formed ids, for the log keys of a dropped event', () => {
    const malformed = getTestEvent('malformed');
    expect(eventIds(malformed)).toEqual({ caCertificateId: malformed.caCertificateId });
    expect(eventIds('x')).toEqual({});
  });
});
