// Error types of the operations area: replay, reconcile, doctor (see lib/errors/jitr-error.ts for the model).
import { type Disposition, JitrError } from '../errors/jitr-error.js';

/** A `jitr replay | reconcile | doctor` option is missing, contradictory or malformed. */
export class InvalidOperationsOptionError extends JitrError {
  readonly code = 'InvalidOperationsOption';
  readonly disposition: Disposition = 'invalid-input';

  constructor(option: string, problem: string, expected: string) {
    super(`${option}: ${problem}`, {
      step: 'cli',
      remedy: `Give ${option} as ${expected}.`,
      details: { option },
    });
  }
}
