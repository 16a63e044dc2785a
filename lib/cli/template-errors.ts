import { type Disposition, JitrError, type JitrErrorOptions } from '../errors/jitr-error.js';

/** A `jitr template` command line that cannot be run (unreadable file, malformed --param). */
export class TemplateCommandLineError extends JitrError {
  readonly code = 'InvalidCommandLine';
  readonly disposition: Disposition = 'invalid-input';
  constructor(message: string, options: Omit<JitrErrorOptions, 'step'>) {
    super(message, { ...options, step: 'cli' });
  }
}
