// One module constructs SDK clients, and process.env is read only by the entry points (issue
// 10): the composition root (lib/runtime/) builds every client with the endpoint rules written
// once and hands them out (the handlers' runtime, the CLI's `cli.aws(region)`); configuration
// arrives parsed. A command or adapter that built its own client would re-decide the region,
// the endpoint, path-style and the retry policy; one that read process.env would hide an input.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compositionRootWork, compositionRootWorkIn } from '../helpers/composition-root.js';
import { ENTRY_POINTS, SOURCE_DIRS } from '../helpers/module-state.js';

const root = join(import.meta.dirname, '..', '..');

/** Files outside lib/runtime that may do some of it, and why. */
const ALLOWED: Record<string, string> = {
  'infra/sandbox/dynamodb.ts':
    "the sandbox's own client creating tables in its dynalite (the server side of the local account)",
  'infra/local-aws/local-aws.ts':
    "the local account's setup clients, built with the composition root's factories",
  'infra/sandbox/lambda/function.ts': "the PATH of the sandbox's function process (Lambda's own environment)",
  'infra/demo/replay-cli.ts':
    'the PATH of the jitr process the demo runs (its AWS settings are the sandbox’s)',
};

describe('the composition root', () => {
  it('finds client construction and environment reads when there are some', () => {
    // Act / Assess: the detector can fail (a detector that finds nothing passes vacuously).
    expect(
      compositionRootWork(
        'x.ts',
        [
          "import { S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';",
          "import * as iot from '@aws-sdk/client-iot';",
          "import { SQSClient as Sqs, SendMessageCommand } from '@aws-sdk/client-sqs';",
          "import { createLambdaClient, clientOptions } from '../runtime/operations-clients.js';",
          "import type { IoTClient } from '@aws-sdk/client-iot';",
          'export const s3 = new S3Client({});',
          'export const i = new iot.IoTClient({});',
          'export const q = new Sqs({}), m = new SendMessageCommand({ QueueUrl: "", MessageBody: "" });',
          "export const l = createLambdaClient(clientOptions({ region: 'eu-west-1' }));",
          "export const lazy = () => import('../../lib/runtime/aws-clients.js');",
          "export const sdk = () => import('@aws-sdk/client-dynamodb');",
          "export const region = process.env.AWS_REGION ?? process.env['AWS_DEFAULT_REGION'];",
          '// process.env in a comment is no read',
        ].join('\n'),
      ),
    ).toEqual([
      'x.ts:6 new S3Client',
      'x.ts:7 new iot.IoTClient',
      'x.ts:8 new Sqs',
      'x.ts:9 createLambdaClient()',
      "x.ts:10 import('../../lib/runtime/aws-clients.js')",
      "x.ts:11 import('@aws-sdk/client-dynamodb')",
      'x.ts:12 process.env',
      'x.ts:12 process.env',
    ]);
  });

  it('alone constructs SDK clients, and only entry points read process.env', () => {
    // Act
    const found = compositionRootWorkIn(root, SOURCE_DIRS);
    const byFile = (prefix: string) => found.filter((line) => line.startsWith(prefix));
    const outside = found.filter((line) => {
      const file = line.split(':')[0] ?? '';
      const entry = ENTRY_POINTS.some((pattern) => pattern.test(file)) && line.endsWith(' process.env');
      return !file.startsWith('lib/runtime/') && !entry && ALLOWED[file] === undefined;
    });
    // Assess: the walker reads the root (it builds every client) and finds nothing elsewhere.
    expect(byFile('lib/runtime/aws-clients.ts').length).toBeGreaterThanOrEqual(3);
    expect(byFile('lib/runtime/operations-clients.ts').length).toBeGreaterThanOrEqual(5);
    expect(byFile('handlers/jitr.ts')).toHaveLength(1); // the runtime from process.env
    expect(outside).toEqual([]);
    expect(Object.keys(ALLOWED).filter((file) => byFile(file).length === 0)).toEqual([]);
    expect(byFile('lib/runtime/').filter((line) => line.endsWith(' process.env'))).toEqual([]);
  });
});
