import type { Command } from 'commander';

/** Registers jitr crl …: offline CRL inspection (issue 3). */
export function registerCrlCommands(_program: Command): void {}
