import type { Command } from 'commander';
import { action, printJson } from './output.js';

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** Registers jitr template …: render, check, permissions (issue 2). */
export function registerTemplateCommands(program: Command): void {
  const template = program
    .command('template')
    .description(
      'Provisioning templates (JITP format): render a plan, check a template, list IAM permissions.',
    );

  template
    .command('render')
    .description('Render a template with a certificate (or explicit values) and print the plan as JSON.')
    .requiredOption(
      '--template <file>',
      'template, registration config or DescribeProvisioningTemplate answer (JSON)',
    )
    .option('--cert <file>', 'device certificate (PEM or DER) whose subject supplies the parameters')
    .option('--param <name=value>', 'a parameter value (repeatable; overrides the certificate)', collect, [])
    .option(
      '--certificate-id <id>',
      'certificate id (default: lowercase hex SHA-256 of the DER, as AWS assigns)',
    )
    .action(
      action(
        async (options: { template: string; cert?: string; param: string[]; certificateId?: string }) => {
          const { renderTemplateFile } = await import('./template-impl.js');
          printJson(await renderTemplateFile(options));
        },
      ),
    );

  template
    .command('check')
    .description('Validate a template alone (no certificate) and summarise its parameters and resources.')
    .argument('<file>', 'template file')
    .action(
      action(async (file: string) => {
        const { checkTemplateFile } = await import('./template-impl.js');
        printJson(await checkTemplateFile(file));
      }),
    );

  template
    .command('permissions')
    .description("Print the minimal IAM policy the handler's role needs for this template.")
    .argument('<file>', 'template file')
    .option('--region <region>', 'region for the ARNs (default *)')
    .option('--account <account>', 'account id for the ARNs (default *)')
    .action(
      action(async (file: string, options: { region?: string; account?: string }) => {
        const { permissionsForTemplateFile } = await import('./template-impl.js');
        printJson(await permissionsForTemplateFile(file, options));
      }),
    );
}
