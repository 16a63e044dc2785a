import type { Command } from 'commander';

/** Registers jitr template …: render, check, permissions (issue 2). */
export function registerTemplateCommands(_program: Command): void {}
