import { describe, expect, it } from 'vitest';
import { canonicalSerialHex, certificateKey, serialKey, sweepKey } from '../../../lib/ledger/record.js';

describe('ledger keys', () => {
  it('keys a serial without leading zero bytes, whatever its spelling', () => {
    for (const spelling of ['0091f0', '91F0', '00:91:f0', '0x91f0', '000091f0', ' 91f0 ']) {
      expect(canonicalSerialHex(spelling)).toBe('91f0');
    }
    expect(canonicalSerialHex(Uint8Array.of(0, 0x91, 0xf0))).toBe('91f0');
    expect(canonicalSerialHex('1')).toBe('01');
    expect(canonicalSerialHex('00')).toBe('00');
    expect(canonicalSerialHex(Uint8Array.of(0))).toBe('00');
  });

  it('lowercases ids into the documented key shapes', () => {
    const ca = 'A'.repeat(64);
    expect(certificateKey('B'.repeat(64))).toBe(`cert#${'b'.repeat(64)}`);
    expect(serialKey(ca, '0091F0')).toBe(`serial#${'a'.repeat(64)}#91f0`);
    expect(sweepKey(ca)).toBe(`sweep#${'a'.repeat(64)}`);
  });
});
