import { DEFAULT_ACCOUNT, DEFAULT_REGION } from '../arn/arn.js';
import type { CliRuntime } from '../runtime/cli-runtime.js';
import { action } from './output.js';
import type { JitrCommand } from './program.js';

const JSON_HELP = 'print JSON (the output is always JSON; accepted for uniform scripts)';

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** Registers jitr template …: render, check, permissions. */
export function registerTemplateCommands(program: JitrCommand, cli: CliRuntime): void {
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
    .option('--json', JSON_HELP)
    .example(
      'npx jitr template render --template lib/template-source/templates/default.json --cert device.pem',
      'npx jitr template render --template lib/template-source/templates/default.json --param AWS::IoT::Certificate::CommonName=lamp-0042 --certificate-id 1e7a939e70d9e972e46bf532bc23d615668dcad1f56291dad88ebd721a5724a3',
    )
    .action(
      action(
        async (options: { template: string; cert?: string; param: string[]; certificateId?: string }) => {
          const { renderTemplateFile } = await import('./template-impl.js');
          cli.out.json(await renderTemplateFile(options));
        },
      ),
    );

  template
    .command('explain')
    .description(
      'What a device rendered from this template may do (connect as, publish to, subscribe to), and whether it may do one thing.',
    )
    .requiredOption('--template <file>', 'template file (as for render)')
    .requiredOption('--cert <file>', 'device certificate (PEM or DER)')
    .option('--client-id <id>', "the device's MQTT client id (default: the certificate's CN)")
    .option(
      '--can <verb-and-name...>',
      'publish|subscribe|connect|receive and a topic, filter or client id: allow or deny, and why',
    )
    .option('--region <region>', 'region in the resource ARN', DEFAULT_REGION)
    .option('--account <account>', 'account id in the resource ARN', DEFAULT_ACCOUNT)
    .option('--json', 'print the report as JSON')
    .example(
      'npx jitr template explain --template lib/template-source/templates/default.json --cert device.pem --can publish devices/lamp-1/state',
    )
    .addHelpText(
      'after',
      '\nExit code: 0, or with --can 0 when allowed and 1 when denied (or when existing policies could not be checked).',
    )
    .action(
      action(
        async (options: {
          template: string;
          cert: string;
          clientId?: string;
          can?: string[];
          region: string;
          account: string;
          json?: boolean;
        }) => {
          const { explainTemplate, formatExplain } = await import('./template-explain.js');
          const report = await explainTemplate(options);
          if (options.json === true) cli.out.json(report);
          else cli.out.line(formatExplain(report));
          if (report.question !== null && !(report.question.allowed && report.question.complete))
            process.exitCode = 1;
        },
      ),
    );

  template
    .command('check')
    .description('Validate a template alone (no certificate) and summarise its parameters and resources.')
    .argument('<file>', 'template file')
    .option('--json', JSON_HELP)
    .example('npx jitr template check lib/template-source/templates/default.json')
    .action(
      action(async (file: string) => {
        const { checkTemplateFile } = await import('./template-impl.js');
        cli.out.json(await checkTemplateFile(file));
      }),
    );

  template
    .command('permissions')
    .description("Print the minimal IAM policy the handler's role needs for this template.")
    .argument('<file>', 'template file')
    .option('--region <region>', 'region for the ARNs (default *)')
    .option('--account <account>', 'account id for the ARNs (default *)')
    .option('--json', JSON_HELP)
    .example(
      'npx jitr template permissions lib/template-source/templates/default.json --region eu-west-1 --account 123456789012',
    )
    .action(
      action(async (file: string, options: { region?: string; account?: string }) => {
        const { permissionsForTemplateFile } = await import('./template-impl.js');
        cli.out.json(await permissionsForTemplateFile(file, options));
      }),
    );
}
