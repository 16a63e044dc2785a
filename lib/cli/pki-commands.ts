import { DEFAULT_CRL_KEY_TEMPLATE } from '../crl/object-key.js';
import type { CliRuntime } from '../runtime/cli-runtime.js';
import { action } from './output.js';
import type { JitrCommand } from './program.js';

const DIR_HELP = 'CA directory (ca.pem, ca.key, pki-state.json, crl.der)';
const JSON_HELP = 'print JSON (the output is always JSON; accepted for uniform scripts)';

/** Registers jitr pki …: the PKI toolkit. Implementations load lazily. */
export function registerPkiCommands(program: JitrCommand, cli: CliRuntime): void {
  const pki = program
    .command('pki')
    .description('PKI toolkit: a CA on disk, device and verification certificates, revocation, CRLs');

  pki
    .command('create-ca')
    .description('create a self-signed CA (writes ca.pem and ca.key with mode 0600; never overwrites)')
    .option('--dir <dir>', DIR_HELP, './pki')
    .option('--key-type <type>', 'rsa (2048-bit) or ec', 'rsa')
    .option('--curve <curve>', 'P-256 or P-384 (with --key-type ec; default P-256)')
    .option(
      '--subject <dn>',
      'CA subject, most significant RDN first',
      'O=JITR Example,CN=JITR Example Device CA',
    )
    .option('--days <n>', 'validity in days', '3650')
    .option('--json', JSON_HELP)
    .example(
      "npx jitr pki create-ca --dir /tmp/jitr-pki --key-type ec --subject 'O=Example,CN=Example Device CA'",
    )
    .action(
      action(
        async (options: { dir: string; keyType: string; curve?: string; subject: string; days: string }) => {
          const { createCaAction } = await import('./pki-actions.js');
          cli.out.json(await createCaAction(options));
        },
      ),
    );

  pki
    .command('verification-cert')
    .description('the verification certificate aws iot register-ca-certificate requires')
    .requiredOption('--registration-code <code>', 'from aws iot get-registration-code')
    .option('--dir <dir>', DIR_HELP, './pki')
    .option('--out <file>', 'output PEM (default <dir>/verification.pem)')
    .option('--json', JSON_HELP)
    .example(
      'npx jitr pki verification-cert --dir /tmp/jitr-pki --registration-code "$(aws iot get-registration-code --query registrationCode --output text)"',
    )
    .action(
      action(async (options: { dir: string; registrationCode: string; out?: string }) => {
        const { verificationCertAction } = await import('./pki-actions.js');
        cli.out.json(await verificationCertAction(options));
      }),
    );

  pki
    .command('issue-device')
    .description(
      'issue a device certificate and key signed by the CA; prints the certificate id (SHA-256 of the DER)',
    )
    .requiredOption('--subject <dn>', "device subject, e.g. 'C=JP,O=Example,CN=dev-001,serialNumber=SN1'")
    .option('--dir <dir>', DIR_HELP, './pki')
    .option('--days <n>', 'validity in days', '365')
    .option('--out-dir <dir>', 'where to write <CN>-<id>.pem, .key and .chain.pem (default <dir>/devices)')
    .option('--key-type <type>', 'rsa (2048-bit) or ec', 'ec')
    .option('--curve <curve>', 'P-256 or P-384 (with --key-type ec)')
    .option('--json', JSON_HELP)
    .example(
      "npx jitr pki issue-device --dir /tmp/jitr-pki --subject 'C=DE,O=Example,CN=lamp-0042,serialNumber=SN-0042'",
    )
    .action(
      action(
        async (options: {
          dir: string;
          subject: string;
          days: string;
          outDir?: string;
          keyType: string;
          curve?: string;
        }) => {
          const { issueDeviceAction } = await import('./pki-actions.js');
          cli.out.json(await issueDeviceAction(options));
        },
      ),
    );

  pki
    .command('revoke')
    .description('record a revocation in the CA directory (then run jitr pki crl and publish-crl)')
    .option('--serial <hex>', 'certificate serial in hex (colons and a leading 00 allowed)')
    .option('--cert <file>', 'the certificate to revoke (PEM or DER), instead of --serial')
    .option('--reason <reason>', 'RFC 5280 reason: keyCompromise, superseded, cessationOfOperation, …')
    .option('--dir <dir>', DIR_HELP, './pki')
    .option('--json', JSON_HELP)
    .example('npx jitr pki revoke --dir /tmp/jitr-pki --serial 0091f0c3 --reason keyCompromise')
    .action(
      action(async (options: { dir: string; serial?: string; cert?: string; reason?: string }) => {
        const { revokeAction } = await import('./pki-actions.js');
        cli.out.json(await revokeAction(options));
      }),
    );

  pki
    .command('crl')
    .description('write a signed DER CRL of every recorded revocation, with the next CRL number')
    .option('--dir <dir>', DIR_HELP, './pki')
    .option('--out <file>', 'output DER (default <dir>/crl.der)')
    .option('--next-update-days <n>', 'nextUpdate = now + N days', '7')
    .option('--json', JSON_HELP)
    .example('npx jitr pki crl --dir /tmp/jitr-pki --next-update-days 7')
    .action(
      action(async (options: { dir: string; out?: string; nextUpdateDays: string }) => {
        const { crlAction } = await import('./pki-actions.js');
        cli.out.json(await crlAction(options));
      }),
    );

  pki
    .command('publish-crl')
    .description('verify the CRL as the handler does, then upload it to the S3 key the handler reads')
    .requiredOption('--bucket <bucket>', 'the CRL bucket (CRL_BUCKET)')
    .option('--dir <dir>', DIR_HELP, './pki')
    .option('--crl <file>', 'CRL to upload (default <dir>/crl.der)')
    .option(
      '--ca-certificate-id <id>',
      'the CA id in AWS IoT (default: SHA-256 of ca.pem, which is what AWS assigns)',
    )
    .option('--key-template <template>', 'CRL_KEY_TEMPLATE', DEFAULT_CRL_KEY_TEMPLATE)
    .option('--region <region>', 'AWS region (default: from the environment)')
    .option('--json', JSON_HELP)
    .example('npx jitr pki publish-crl --dir /tmp/jitr-pki --bucket jitr-crls')
    .action(
      action(
        async (options: {
          dir: string;
          bucket: string;
          crl?: string;
          caCertificateId?: string;
          keyTemplate: string;
          region?: string;
        }) => {
          const { publishCrlAction } = await import('./pki-publish.js');
          cli.out.json(await publishCrlAction(options, { s3: cli.aws(options.region).s3 }));
        },
      ),
    );
}
