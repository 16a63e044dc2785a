import type { Command } from 'commander';

/** Registers jitr replay, reconcile, doctor (issue 6). */
export function registerOpsCommands(_program: Command): void {}
