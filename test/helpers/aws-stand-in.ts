// The `aws` command for the README runner (test/helpers/readme-runner.ts): exactly the AWS CLI
// calls the README's sandbox walkthrough makes, sent with the SDK the way the AWS CLI sends
// them, and printed the way it prints them. CI machines may have no AWS CLI; anything this
// stand-in does not know is refused (exit 252, the CLI's usage error), so a README change
// that needs another call fails here instead of silently passing.
import { readFileSync } from 'node:fs';
import { GetRegistrationCodeCommand, IoTClient, RegisterCACertificateCommand } from '@aws-sdk/client-iot';

function refuse(problem: string): never {
  process.stderr.write(`aws (README runner stand-in): ${problem}\n`);
  process.exit(252);
}

const [service, operation, ...rest] = process.argv.slice(2);
const options = new Map<string, string | true>();
for (let i = 0; i < rest.length; i++) {
  const name = rest[i] ?? '';
  if (!name.startsWith('--')) refuse(`unexpected argument ${name}`);
  const value = rest[i + 1];
  if (value === undefined || value.startsWith('--')) options.set(name, true);
  else {
    options.set(name, value);
    i++;
  }
}

function take(name: string): string | true | undefined {
  const value = options.get(name);
  options.delete(name);
  return value;
}

function fileArgument(name: string): string {
  const value = take(name);
  if (typeof value !== 'string' || !value.startsWith('file://')) refuse(`${name} file://<path> is required`);
  return readFileSync(value.slice('file://'.length), 'utf8');
}

// The AWS CLI before 2.13 ignores AWS_ENDPOINT_URL_IOT: without --endpoint-url it calls AWS.
const endpoint = take('--endpoint-url');
if (typeof endpoint !== 'string') refuse('no --endpoint-url: this call would go to AWS, not the sandbox');
const client = new IoTClient({ endpoint, maxAttempts: 1 });

if (service === 'iot' && operation === 'get-registration-code') {
  const query = take('--query');
  const output = take('--output');
  if (query !== 'registrationCode' || output !== 'text')
    refuse('get-registration-code is known only with --query registrationCode --output text');
  if (options.size > 0) refuse(`unknown options ${[...options.keys()].join(' ')}`);
  const answer = await client.send(new GetRegistrationCodeCommand({}));
  process.stdout.write(`${answer.registrationCode}\n`);
} else if (service === 'iot' && operation === 'register-ca-certificate') {
  const caCertificate = fileArgument('--ca-certificate');
  const verificationCertificate = fileArgument('--verification-certificate');
  const setAsActive = take('--set-as-active') === true;
  const allowAutoRegistration = take('--allow-auto-registration') === true;
  if (options.size > 0) refuse(`unknown options ${[...options.keys()].join(' ')}`);
  const answer = await client.send(
    new RegisterCACertificateCommand({
      caCertificate,
      verificationCertificate,
      setAsActive,
      allowAutoRegistration,
    }),
  );
  process.stdout.write(
    `${JSON.stringify({ certificateArn: answer.certificateArn, certificateId: answer.certificateId }, null, 4)}\n`,
  );
} else {
  refuse(
    `aws ${service ?? ''} ${operation ?? ''} is not one of the calls the README runs against the sandbox`,
  );
}
