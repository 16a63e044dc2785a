import { describe, expect, it } from 'vitest';
import { caIdFromCrlKey, sweepTargets } from '../../../lib/revocation/sweep-targets.js';

const A = 'a'.repeat(64);
const B = 'b'.repeat(64);
const options = { bucket: 'crls', keyTemplate: 'crl/{caCertificateId}.crl', configured: [B] };

const s3Record = (key: string, bucket = 'crls') => ({
  eventSource: 'aws:s3',
  eventName: 'ObjectCreated:Put',
  s3: { bucket: { name: bucket }, object: { key, size: 10, eTag: 'e' } },
});

describe('caIdFromCrlKey', () => {
  it('reads the CA id back out of a key made from the template', () => {
    expect(caIdFromCrlKey('crl/{caCertificateId}.crl', `crl/${A}.crl`)).toBe(A);
    expect(caIdFromCrlKey('{caCertificateId}', A.toUpperCase())).toBe(A);
    expect(caIdFromCrlKey('pki/{caCertificateId}/crl.der', `pki/${A}/crl.der`)).toBe(A);
  });

  it('ignores keys that do not match the template or hold no CA id', () => {
    expect(caIdFromCrlKey('crl/{caCertificateId}.crl', `templates/${A}.json`)).toBeNull();
    expect(caIdFromCrlKey('crl/{caCertificateId}.crl', 'crl/notes.crl')).toBeNull();
    expect(caIdFromCrlKey('crl/{caCertificateId}.crl', 'crl/.crl')).toBeNull();
  });
});

describe('sweepTargets', () => {
  it('takes the CAs of the CRL objects an S3 notification names, once each, in this bucket only', () => {
    const event = {
      Records: [
        s3Record(`crl/${A}.crl`),
        s3Record(`crl/${A}.crl`),
        s3Record(`crl/${B}.crl`, 'other'),
        s3Record('templates/t.json'),
      ],
    };
    expect(sweepTargets(event, options)).toEqual({
      targets: [{ bucket: 'crls', caCertificateId: A }],
      ignoredKeys: [`other/crl/${B}.crl`, 'crls/templates/t.json'],
    });
    // Without a configured bucket (the stack created it), the event names it.
    expect(sweepTargets(event, { ...options, bucket: null }).targets).toEqual([
      { bucket: 'crls', caCertificateId: A },
      { bucket: 'other', caCertificateId: B },
    ]);
  });

  it('URL-decodes S3 notification keys', () => {
    const event = { Records: [s3Record(`crl%2Fx+y/${A}.crl`)] };
    expect(sweepTargets(event, { ...options, keyTemplate: 'crl/x y/{caCertificateId}.crl' }).targets).toEqual(
      [{ bucket: 'crls', caCertificateId: A }],
    );
  });

  it('takes the CA of an EventBridge Object Created event', () => {
    const event = {
      source: 'aws.s3',
      'detail-type': 'Object Created',
      detail: { bucket: { name: 'crls' }, object: { key: `crl/${A}.crl`, etag: 'e' } },
    };
    expect(sweepTargets(event, options).targets).toEqual([{ bucket: 'crls', caCertificateId: A }]);
  });

  it('takes the CAs a scheduled event names, else the configured ones', () => {
    expect(sweepTargets({ caCertificateIds: [A.toUpperCase(), 'nope'] }, options).targets).toEqual([
      { bucket: null, caCertificateId: A },
    ]);
    expect(sweepTargets({}, options).targets).toEqual([{ bucket: null, caCertificateId: B }]);
    expect(
      sweepTargets({ source: 'aws.events', 'detail-type': 'Scheduled Event', detail: {} }, options).targets,
    ).toEqual([{ bucket: null, caCertificateId: B }]);
  });
});
