import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import type { JitrError } from '../../../lib/errors/jitr-error.js';
import { expectJitrErrorSync } from '../../helpers/expect-jitr-error.js';

const FIXTURES = new URL('../../fixtures/templates/', import.meta.url);

/** Reads a template fixture as text. */
export function fixture(name: string): string {
  return readFileSync(new URL(name, FIXTURES), 'utf8');
}

/** A certificate id (64 lowercase hex). */
export const CERT_ID = 'c0ffee'.padEnd(64, '0');

/** Asserts the code, disposition and path of the error `fn` throws. */
export function expectError(
  fn: () => unknown,
  want: { code: string; path?: string; disposition?: string },
): JitrError {
  const error = expectJitrErrorSync(fn);
  const got: Record<string, unknown> = { code: error.code };
  if (want.path !== undefined) got.path = error.path;
  if (want.disposition !== undefined) got.disposition = error.disposition;
  expect(got).toEqual(want);
  expect(error.remedy.length).toBeGreaterThan(0);
  return error;
}

/** A minimal template with one thing whose name is `thingName` and an optional policy document. */
export function thingTemplate(
  thingName: unknown,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    Parameters: { 'AWS::IoT::Certificate::CommonName': { Type: 'String' } },
    Resources: { thing: { Type: 'AWS::IoT::Thing', Properties: { ThingName: thingName } }, ...extra },
  };
}

/** A template whose only resource is a policy with the given document. */
export function policyTemplate(
  document: unknown,
  parameters: string[] = ['AWS::IoT::Certificate::CommonName'],
) {
  return {
    Parameters: Object.fromEntries(parameters.map((p) => [p, { Type: 'String' }])),
    Resources: { policy: { Type: 'AWS::IoT::Policy', Properties: { PolicyDocument: document } } },
  };
}
