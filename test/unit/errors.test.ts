import { describe, expect, it } from 'vitest';
import { type Disposition, JitrError } from '../../lib/errors/jitr-error.js';

class ExampleNotFoundError extends JitrError {
  readonly code = 'ExampleNotFound';
  readonly disposition: Disposition = 'configuration';
}

describe('JitrError', () => {
  it('carries code, step, remedy and cause, and serialises them', () => {
    // Prepare
    const cause = new Error('aws said no');
    // Act
    const error = new ExampleNotFoundError('thing group plant-7 does not exist', {
      step: 'thing-groups',
      remedy: 'Create the thing group plant-7, then replay the DLQ.',
      awsErrorName: 'ResourceNotFoundException',
      details: { thingGroup: 'plant-7' },
      cause,
    });
    // Assess
    expect(error.name).toBe('ExampleNotFoundError');
    expect(error.cause).toBe(cause);
    expect(error.retryable).toBe(true);
    expect(error.toJSON()).toEqual({
      name: 'ExampleNotFoundError',
      code: 'ExampleNotFound',
      disposition: 'configuration',
      step: 'thing-groups',
      message: 'thing group plant-7 does not exist',
      remedy: 'Create the thing group plant-7, then replay the DLQ.',
      awsErrorName: 'ResourceNotFoundException',
      details: { thingGroup: 'plant-7' },
    });
  });

  it('is not retryable when the device is at fault', () => {
    class ExampleRevokedError extends JitrError {
      readonly code = 'ExampleRevoked';
      readonly disposition: Disposition = 'rejected';
    }
    const error = new ExampleRevokedError('revoked', { step: 'crl', remedy: 'Issue a new certificate.' });
    expect(error.retryable).toBe(false);
    expect(error.toJSON()).not.toHaveProperty('path');
  });

  it('names itself after its code, so minified bundles report stable error types', () => {
    class Mangled extends JitrError {
      readonly code = 'UnexpectedAwsError';
      readonly disposition: Disposition = 'transient';
    }
    expect(new Mangled('boom', { step: 'thing', remedy: 'Retry.' }).name).toBe('UnexpectedAwsError');
    expect(String(new ExampleNotFoundError('gone', { step: 'thing', remedy: 'Create it.' }))).toBe(
      'ExampleNotFoundError: gone',
    );
  });
});
