import { describe, expect, it } from 'vitest';
import {
  authorityKeyIdentifier,
  DerError,
  decodeOid,
  decodeTime,
  readExtensions,
  readTlv,
} from '../../../lib/certificate/der.js';
import { octetString, oid, sequence, TRUE, tlv } from '../../../lib/pki/der-writer.js';

const time = (tag: number, text: string) => {
  const der = Buffer.concat([Buffer.from([tag, text.length]), Buffer.from(text, 'latin1')]);
  return decodeTime(der, readTlv(der, 0, der.length));
};

describe('decodeTime', () => {
  it.each([
    [0x17, '490101000000Z', '2049-01-01T00:00:00.000Z'],
    [0x17, '500101000000Z', '1950-01-01T00:00:00.000Z'],
    [0x17, '260229235959Z', null],
    [0x17, '280229235959Z', '2028-02-29T23:59:59.000Z'],
    [0x18, '20501231235959Z', '2050-12-31T23:59:59.000Z'],
    [0x18, '00050101000000Z', '0005-01-01T00:00:00.000Z'],
    [0x18, '20260601120000.25Z', '2026-06-01T12:00:00.250Z'],
    [0x18, '20260601120000.250Z', null],
    [0x18, '20261301120000Z', null],
    [0x17, '260601120000', null],
    [0x17, '2606011200Z0Z', null],
    [0x17, '260601240000Z', null],
    [0x04, '260601120000Z', null],
  ])('decodes tag 0x%s "%s" as %s', (tag, text, want) => {
    if (want === null) expect(() => time(tag, text)).toThrow(DerError);
    else expect(time(tag, text).toISOString()).toBe(want);
  });
});

describe('readTlv', () => {
  it('rejects indefinite, non-minimal and overlong lengths', () => {
    for (const bytes of [
      [0x30, 0x80, 0x00, 0x00],
      [0x04, 0x81, 0x05, 1, 2, 3, 4, 5],
      [0x04, 0x82, 0x00, 0x81],
      [0x04, 0x85, 1, 1, 1, 1, 1],
      [0x04, 0x03, 1, 2],
      [0x1f, 0x01, 0x00],
    ]) {
      const buf = Uint8Array.from(bytes);
      expect(() => readTlv(buf, 0, buf.length)).toThrow(DerError);
    }
  });
});

describe('decodeOid', () => {
  it('decodes large arcs and the first-two-arcs rule, and rejects padding', () => {
    const oid = (bytes: number[]) => {
      const der = Uint8Array.from([0x06, bytes.length, ...bytes]);
      return decodeOid(der, readTlv(der, 0, der.length));
    };
    expect(oid([0x55, 0x04, 0x03])).toBe('2.5.4.3');
    expect(oid([0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0b])).toBe('1.2.840.113549.1.1.11');
    expect(oid([0x88, 0x37, 0x01])).toBe('2.999.1');
    expect(oid([0x2b, 0x81, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00])).toBe('1.3.72057594037927936');
    expect(() => oid([0x2b, 0x80, 0x01])).toThrow(DerError);
    expect(() => oid([0x2b, 0x81])).toThrow(DerError);
  });
});

describe('decodeTime calendar', () => {
  it.each([
    ['20240229000000Z', '2024-02-29T00:00:00.000Z'],
    ['20000229000000Z', '2000-02-29T00:00:00.000Z'],
    ['21000229000000Z', null],
    ['20260431000000Z', null],
    ['20260000000000Z', null],
    ['20260100000000Z', null],
  ])('GeneralizedTime %s → %s', (text, want) => {
    if (want === null) expect(() => time(0x18, text)).toThrow(DerError);
    else expect(time(0x18, text).toISOString()).toBe(want);
  });
});

describe('readExtensions', () => {
  const read = (...extensions: Buffer[]) => {
    const der = sequence(...extensions);
    return readExtensions(der, readTlv(der, 0, der.length));
  };
  const ext = (dotted: string, ...rest: Buffer[]) => sequence(oid(dotted), ...rest);

  it('reads each extension with its OID, critical flag and extnValue', () => {
    // Prepare
    const value = sequence(tlv(0x80, Buffer.from([0xab, 0xcd])));
    // Act
    const got = read(
      ext('2.5.29.35', octetString(value)),
      ext('1.2.3.4', TRUE, octetString(Buffer.from([5]))),
    );
    // Assess
    expect(got.map(({ oid: o, critical, start }) => ({ oid: o, critical, start }))).toEqual([
      { oid: '2.5.29.35', critical: false, start: 2 },
      { oid: '1.2.3.4', critical: true, start: 17 },
    ]);
    const der = sequence(ext('2.5.29.35', octetString(value)));
    const [aki] = readExtensions(der, readTlv(der, 0, der.length));
    expect(aki !== undefined && authorityKeyIdentifier(der, aki.value)).toBe('abcd');
  });

  it.each([
    ['an OID twice', [ext('2.5.29.19', octetString(sequence())), ext('2.5.29.19', octetString(sequence()))]],
    ['an extension that is not a SEQUENCE', [tlv(0x31, oid('1.2.3'), octetString(Buffer.from([1])))]],
    ['an extnValue that is not an OCTET STRING', [ext('1.2.3', sequence())]],
    ['bytes after extnValue', [ext('1.2.3', octetString(Buffer.from([1])), TRUE)]],
  ])('rejects %s', (_name, extensions) => {
    expect(() => read(...extensions)).toThrow(DerError);
  });
});
