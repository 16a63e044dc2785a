import type { Command } from 'commander';

/** Registers jitr sandbox …: the local AWS side (issue 5). */
export function registerSandboxCommands(_program: Command): void {}
