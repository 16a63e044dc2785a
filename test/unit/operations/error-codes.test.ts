import { describe, expect, it } from 'vitest';
import { codeFromErrorType } from '../../../lib/operations/failure-text.js';
import * as errors from '../../helpers/handler-errors.js';

type Constructor = new (...args: unknown[]) => unknown;

/** Every JitrError subclass of the handler's areas that can be built with the base signature. */
function constructibleErrors(): { name: string; code: string }[] {
  const found: { name: string; code: string }[] = [];
  for (const value of Object.values(errors)) {
    if (typeof value !== 'function' || !(value.prototype instanceof errors.JitrError)) continue;
    try {
      const instance = new (value as Constructor)('probe', { step: 'probe', remedy: 'probe' });
      if (instance instanceof errors.JitrError) found.push({ name: instance.name, code: instance.code });
    } catch {
      // A class with its own constructor signature: its name is checked where it is thrown.
    }
  }
  return found;
}

describe('codeFromErrorType', () => {
  it('recovers the code of every error class the handler can throw', () => {
    // Prepare
    const classes = constructibleErrors();
    // Act
    const mismatches = classes.filter(({ name, code }) => codeFromErrorType(name) !== code);
    // Assess
    expect(classes.length).toBeGreaterThan(10);
    expect(mismatches).toEqual([]);
  });

  it('ignores generic error types', () => {
    // Act / Assess
    expect(['Error', 'TypeError', 'Runtime.ImportModuleError', 'Unhandled'].map(codeFromErrorType)).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
  });
});
