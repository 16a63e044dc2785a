import { JitrError } from '../errors/jitr-error.js';

/** A `jitr device` command line that cannot be run (bad endpoint, unreadable file, bad number). */
export class DeviceCommandLineError extends JitrError {
  readonly code = 'InvalidCommandLine';
  readonly outcome = 'invalid-input' as const;
  constructor(message: string, remedy: string, cause?: unknown) {
    super(message, { step: 'cli', remedy, cause });
  }
}
