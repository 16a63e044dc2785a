// Error types of the config area (see lib/errors/jitr-error.ts for the model).
import { type Disposition, JitrError } from '../errors/jitr-error.js';

/**
 * What is wrong with a variable: its malformed `value`, or why it may not be unset
 * (`requiredBecause`); `command` when a command-line tool read it (then the fix is to set it, or
 * the command's `option` for it, and run the command again, not to deploy and replay).
 */
export type ConfigurationFacts = {
  variable: string;
  expected: string;
  command?: string;
  option?: string;
} & ({ value: string } | { requiredBecause: string });

/** An environment variable is missing or malformed (read once at cold start). */
export class ConfigurationInvalidError extends JitrError {
  readonly code = 'ConfigurationInvalid';
  readonly disposition: Disposition = 'configuration';
  readonly variable: string;
  readonly facts: ConfigurationFacts;

  constructor(facts: ConfigurationFacts) {
    const message =
      'value' in facts
        ? `${facts.variable}=${JSON.stringify(facts.value)} is invalid: expected ${facts.expected}`
        : `${facts.variable} is not set but ${facts.requiredBecause}`;
    super(message, {
      step: facts.command ?? 'config',
      remedy:
        facts.command === undefined
          ? `Set ${facts.variable} to ${facts.expected} (template.yaml parameters or the function's environment), deploy, then replay the DLQ.`
          : `Set ${facts.variable} to ${facts.expected} in the environment${facts.option === undefined ? '' : ` (or pass ${facts.option})`}, then run ${facts.command} again.`,
      details: { variable: facts.variable },
    });
    this.variable = facts.variable;
    this.facts = facts;
  }

  /** The same error as a command-line tool reports it (the remedy fits a shell, not a deployment). */
  inCommand(command: string): ConfigurationInvalidError {
    return new ConfigurationInvalidError({ ...this.facts, command });
  }
}
