// Error classes built from facts (issue 10, "one way to build an error"): each throw site gives
// the problem's kind and facts; the class words the message (as before the change) and the
// remedy, and keeps the problem for a caller that matches on it.
import { describe, expect, it } from 'vitest';
import { CertificateMalformedError } from '../../lib/certificate/errors.js';
import { CrlMalformedError, CrlUnsupportedCriticalExtensionError } from '../../lib/crl/errors.js';
import { PkiInvalidArgumentError, PkiStateInvalidError } from '../../lib/pki/errors.js';
import { InvalidPolicyDocumentError } from '../../lib/policy/errors.js';
import { TemplateSourceUnreadableError } from '../../lib/template-source/errors.js';

describe('PkiInvalidArgumentError', () => {
  it.each([
    [
      { kind: 'key-template-placeholder' },
      'Invalid --key-template: must contain {caCertificateId}',
      '--key-template',
    ],
    [{ kind: 'serial', value: 'zz' }, 'Invalid --serial: "zz" is not a hex serial number', '--serial'],
    [
      { kind: 'not-issued-by-ca', file: 'd.pem', code: 'CertificateNotIssuedByCa' },
      'Invalid --cert: d.pem was not issued by this CA (CertificateNotIssuedByCa)',
      '--cert',
    ],
    [
      { kind: 'days', option: '--days', value: '0', max: 36_500 },
      'Invalid --days: "0" is not a whole number of days between 1 and 36500',
      '--days',
    ],
    [
      { kind: 'reason', value: 'lost' },
      'Invalid --reason: "lost" is not one of unspecified, keyCompromise, cACompromise, affiliationChanged, superseded, cessationOfOperation, certificateHold, removeFromCRL, privilegeWithdrawn, aACompromise',
      '--reason',
    ],
  ] as const)('words %o', (problem, message, option) => {
    // Act
    const error = new PkiInvalidArgumentError(problem);
    // Assess
    expect([error.code, error.message, error.remedy, error.details, error.problem]).toEqual([
      'PkiInvalidArgument',
      message,
      `Fix ${option} (see jitr pki --help).`,
      { option },
      problem,
    ]);
  });
});

describe('PkiStateInvalidError', () => {
  it.each([
    [{ kind: 'not-json' }, 'not JSON'],
    [{ kind: 'not-an-object', at: 'revoked[2]' }, 'revoked[2] is not an object'],
    [{ kind: 'revocation-date', at: 'revoked[0]' }, 'revoked[0].revocationDate must be an ISO date'],
    [
      { kind: 'ca-files', said: 'the key does not match the certificate' },
      'the key does not match the certificate',
    ],
  ] as const)('words %o', (problem, reason) => {
    // Act
    const error = new PkiStateInvalidError('ca/state.json', problem);
    // Assess
    expect([error.code, error.message, error.path]).toEqual([
      'PkiStateInvalid',
      `ca/state.json cannot be used: ${reason}`,
      'ca/state.json',
    ]);
  });
});

describe('InvalidPolicyDocumentError', () => {
  it.each([
    [{ kind: 'effect' }, 'Effect must be "Allow" or "Deny"'],
    [
      { kind: 'exactly-one', key: 'Action', notKey: 'NotAction' },
      'a statement needs exactly one of Action and NotAction',
    ],
    [
      { kind: 'condition-values', operator: 'StringEquals', key: 'iot:ClientId' },
      'the values of StringEquals.iot:ClientId must be strings, booleans or numbers',
    ],
  ] as const)('words %o', (problem, text) => {
    // Act
    const error = new InvalidPolicyDocumentError('lamp', problem, '$.Statement[0]');
    // Assess
    expect([error.code, error.message, error.path, error.details]).toEqual([
      'InvalidPolicyDocument',
      `policy lamp: ${text}`,
      '$.Statement[0]',
      { policyName: 'lamp' },
    ]);
  });
});

describe('TemplateSourceUnreadableError', () => {
  it.each([
    [
      { kind: 'access-denied', bucket: 'tpl', key: 't.json', awsErrorName: 'AccessDenied' },
      'access denied (the function role needs s3:GetObject on arn:aws:s3:::tpl/t.json)',
      'AccessDenied',
    ],
    [
      { kind: 'object-missing', awsErrorName: 'NoSuchKey' },
      'NoSuchKey: the object does not exist',
      'NoSuchKey',
    ],
    [{ kind: 'file-unreadable', errno: 'ENOENT' }, 'cannot read the file (ENOENT)', undefined],
  ] as const)('words %o', (problem, reason, awsErrorName) => {
    // Act
    const error = new TemplateSourceUnreadableError('s3://tpl/t.json', problem);
    // Assess
    expect([error.code, error.message, error.awsErrorName]).toEqual([
      'TemplateSourceUnreadable',
      `template source s3://tpl/t.json is unreadable: ${reason}`,
      awsErrorName,
    ]);
  });
});

describe('CrlMalformedError and CrlUnsupportedCriticalExtensionError', () => {
  it.each([
    [
      new CrlMalformedError({ kind: 'encoding', said: 'expected SEQUENCE', offset: 7 }),
      'Malformed CRL: expected SEQUENCE (at byte 7)',
      { offset: 7 },
    ],
    [
      new CrlMalformedError({
        kind: 'too-large',
        bytes: 9,
        maxBytes: 8,
        location: { bucket: 'b', key: 'k' },
      }),
      'Malformed CRL: the object has 9 bytes; at most 8 are accepted',
      { bucket: 'b', key: 'k', contentLength: 9, maxBytes: 8 },
    ],
    [
      new CrlUnsupportedCriticalExtensionError({ kind: 'scope', oid: '2.5.29.28', field: 'indirectCRL' }),
      'CRL issuingDistributionPoint sets indirectCRL, so it may not cover device certificates',
      { oid: '2.5.29.28', level: 'crl' },
    ],
    [
      new CrlUnsupportedCriticalExtensionError({
        kind: 'entry-extension',
        oidDer: '0603551d1d',
        offset: 120,
      }),
      'CRL entry carries an unsupported critical extension (OID DER 0603551d1d)',
      { offset: 120, oidDer: '0603551d1d', level: 'entry' },
    ],
  ])('words %s', (error, message, details) => {
    // Assess
    expect([error.message, error.details, error.step]).toEqual([message, details, 'crl']);
  });

  it('words a certificate that is not one', () => {
    // Act
    const error = new CertificateMalformedError({ kind: 'not-text-or-bytes' });
    // Assess
    expect([error.code, error.message]).toEqual([
      'CertificateMalformed',
      'Malformed certificate: input is neither a string nor bytes',
    ]);
  });
});
