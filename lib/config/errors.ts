// Error types of the config area (see lib/errors/jitr-error.ts for the model).
import { JitrError, type Outcome } from '../errors/jitr-error.js';

/** An environment variable is missing or malformed (read once at cold start). */
export class ConfigurationInvalidError extends JitrError {
  readonly code = 'ConfigurationInvalid';
  readonly outcome: Outcome = 'configuration';
  readonly variable: string;

  constructor(message: string, facts: { variable: string; expected: string }) {
    super(message, {
      step: 'config',
      remedy: `Set ${facts.variable} to ${facts.expected} (template.yaml parameters or the function's environment), deploy, then replay the DLQ.`,
      details: { variable: facts.variable },
    });
    this.variable = facts.variable;
  }
}
