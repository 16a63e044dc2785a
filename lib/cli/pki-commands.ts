import type { Command } from 'commander';

/** Registers jitr pki …: the PKI toolkit (issue 3). */
export function registerPkiCommands(_program: Command): void {}
