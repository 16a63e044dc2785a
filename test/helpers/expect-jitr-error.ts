// The one way tests take the error a call fails with.
import { isJitrError, type JitrError } from '../../lib/errors/jitr-error.js';

type Failing = Promise<unknown> | (() => unknown);

/**
 * The error `run` (a promise, or a function that throws or rejects) fails with; the test fails
 * when it succeeds.
 */
export async function expectRejection(run: Failing): Promise<unknown> {
  try {
    await (typeof run === 'function' ? run() : run);
  } catch (error) {
    return error;
  }
  throw new Error('expected a failure, but the call succeeded');
}

/**
 * The JitrError `run` fails with; the test fails when it succeeds or fails with anything that
 * is not a JitrError (which is rethrown, so its own stack shows).
 * @example expect((await expectJitrError(registerCertificate(event, deps))).code).toBe('AccessDenied');
 */
export async function expectJitrError(run: Failing): Promise<JitrError> {
  const error = await expectRejection(run);
  if (isJitrError(error)) return error;
  throw error;
}

/** {@link expectJitrError} for a synchronous call. */
export function expectJitrErrorSync(fn: () => unknown): JitrError {
  try {
    fn();
  } catch (error) {
    if (isJitrError(error)) return error;
    throw error;
  }
  throw new Error('expected a JitrError, but the call returned');
}
