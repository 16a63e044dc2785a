// Error types of the operations area: replay, reconcile, doctor (see lib/errors/jitr-error.ts for the model).
import { JitrError, type Outcome } from '../errors/jitr-error.js';

/** A `jitr replay | reconcile | doctor` option is missing, contradictory or malformed. */
export class InvalidOperationsOptionError extends JitrError {
  readonly code = 'InvalidOperationsOption';
  readonly outcome: Outcome = 'invalid-input';

  constructor(option: string, problem: string, expected: string) {
    super(`${option}: ${problem}`, {
      step: 'cli',
      remedy: `Give ${option} as ${expected}.`,
      details: { option },
    });
  }
}
