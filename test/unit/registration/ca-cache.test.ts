import { describe, expect, it } from 'vitest';
import type { CertificateFacts } from '../../../lib/certificate/index.js';
import { type CachedCa, createCaCache } from '../../../lib/registration/ca-cache.js';

const CA = {
  description: {
    certificateId: 'a'.repeat(64),
    certificateArn: 'arn:aws:iot:eu-west-1:123456789012:cacert/a',
    status: 'ACTIVE',
    certificatePem: '',
    autoRegistrationStatus: 'ENABLE',
    registrationConfig: null,
  },
  facts: {} as CertificateFacts,
} satisfies CachedCa;

describe('createCaCache', () => {
  it('serves a CA until its time-to-live has passed', () => {
    // Prepare
    let now = 0;
    const cache = createCaCache({ ttlSeconds: 300, clock: () => new Date(now) });
    cache.set('a', CA);
    // Act
    now = 299_999;
    const warm = cache.get('a');
    now = 300_000;
    const expired = cache.get('a');
    // Assess
    expect(warm).toBe(CA);
    expect(expired).toBe(undefined);
    expect(cache.get('b')).toBe(undefined);
  });
});
