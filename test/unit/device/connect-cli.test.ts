// Pure parts of `jitr device connect`: endpoint parsing, attempt lines, exit codes.
import { describe, expect, it } from 'vitest';
import { attemptLine, connectExitCode, parseEndpoint } from '../../../lib/cli/device-connect.js';

describe('parseEndpoint', () => {
  it.each([
    [
      'abc123-ats.iot.eu-west-1.amazonaws.com',
      { host: 'abc123-ats.iot.eu-west-1.amazonaws.com', port: 8883 },
    ],
    ['127.0.0.1:44713', { host: '127.0.0.1', port: 44713 }],
    ['mqtts://127.0.0.1:44713', { host: '127.0.0.1', port: 44713 }],
    ['[::1]:8883', { host: '::1', port: 8883 }],
    ['localhost', { host: 'localhost', port: 8883 }],
  ])('%s', (endpoint, want) => {
    expect(parseEndpoint(endpoint, 'jitr device connect')).toEqual(want);
  });

  it.each(['', 'host:0', 'host:70000', 'http://x/y', 'a b'])(
    'refuses %j with InvalidCommandLine',
    (endpoint) => {
      expect(() => parseEndpoint(endpoint, 'jitr device fleet')).toThrow(
        expect.objectContaining({ code: 'InvalidCommandLine', step: 'jitr device fleet' }),
      );
    },
  );
});

describe('attemptLine', () => {
  it('says refused with the reason and the next delay, or connected and when', () => {
    expect(
      attemptLine({
        attempt: 1,
        outcome: 'refused',
        reason: 'connection closed without CONNACK',
        ms: 35,
        elapsedMs: 40,
        nextDelayMs: 612,
      }),
    ).toBe(
      'attempt 1: refused (connection closed without CONNACK) after 35 ms (at 0.04 s); next attempt in 0.61 s',
    );
    expect(
      attemptLine({
        attempt: 2,
        outcome: 'connected',
        reason: null,
        ms: 20,
        elapsedMs: 2310,
        nextDelayMs: null,
      }),
    ).toBe('attempt 2: connected in 20 ms (at 2.31 s)');
  });
});

describe('connectExitCode', () => {
  const base = {
    endpoint: 'h:1',
    clientId: 'c',
    attempts: [],
    timeToConnectMs: 5,
    publish: null,
    subscribe: [],
  };
  it.each([
    ['connected', { ...base, connected: true }, 0],
    ['not connected (timeout)', { ...base, connected: false, timeToConnectMs: null }, 1],
    [
      'publish not acknowledged',
      { ...base, connected: true, publish: { topic: 't', acknowledged: false, error: 'x' } },
      1,
    ],
    [
      'publish acknowledged',
      { ...base, connected: true, publish: { topic: 't', acknowledged: true, error: null } },
      0,
    ],
    [
      'a subscribe refused',
      { ...base, connected: true, subscribe: [{ filter: 'f', code: 128, granted: false }] },
      1,
    ],
  ])('%s → %i', (_label, report, code) => {
    expect(connectExitCode(report)).toBe(code);
  });
});
