/**
 * The AWS side of a `jitr` command: its SDK clients and the IoT port, built by the composition
 * root from the settings the config module read, each on first use (its SDK loads then, so a
 * command pays only for the services it calls) and once per command. Command modules ask for a
 * client; they never construct one.
 */
import type { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { IAMClient } from '@aws-sdk/client-iam';
import type { IoTClient } from '@aws-sdk/client-iot';
import type { LambdaClient } from '@aws-sdk/client-lambda';
import type { S3Client } from '@aws-sdk/client-s3';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { AwsSettings } from '../config/config.js';
import type { IotRegistry } from '../provisioning/iot-registry.js';

export interface CliAws {
  /** The region and custom endpoints the clients use. */
  readonly settings: AwsSettings;
  /** The registration's IoT client (adaptive retries, hard limits not retried). */
  readonly iot: () => Promise<IoTClient>;
  /** The IoT port over {@link CliAws.iot} (unpaced: a command's calls are few or paced by the command). */
  readonly iotRegistry: () => Promise<IotRegistry>;
  /** S3 (a custom endpoint turns path-style on: lib/runtime/aws-clients.ts). */
  readonly s3: () => Promise<S3Client>;
  readonly dynamodb: () => Promise<DynamoDBClient>;
  readonly sqs: () => Promise<SQSClient>;
  readonly lambda: () => Promise<LambdaClient>;
  readonly iam: () => Promise<IAMClient>;
  readonly cloudformation: () => Promise<CloudFormationClient>;
}

/** `build` runs on the first call; every call gets its promise. */
function once<T>(build: () => Promise<T>): () => Promise<T> {
  let built: Promise<T> | undefined;
  return () => {
    built ??= build();
    return built;
  };
}

/**
 * The clients of one command in `settings`' region. SQS, Lambda, IAM and CloudFormation get the
 * region only: the SDK itself reads their `AWS_ENDPOINT_URL_<SERVICE>` (and `AWS_ENDPOINT_URL`).
 */
export function cliAws(settings: AwsSettings): CliAws {
  const clients = () => import('./aws-clients.js');
  const operations = () => import('./operations-clients.js');
  const region = { region: settings.region };
  const iot = once(async () => {
    const { createIotClient, iotTarget } = await clients();
    return createIotClient(iotTarget(settings));
  });
  return {
    settings,
    iot,
    iotRegistry: once(async () => {
      const [{ SdkIotRegistry }, client] = await Promise.all([
        import('../provisioning/sdk-iot-registry.js'),
        iot(),
      ]);
      return new SdkIotRegistry(client);
    }),
    s3: once(async () => {
      const { createS3Client, s3Target } = await clients();
      return createS3Client(s3Target(settings));
    }),
    dynamodb: once(async () => {
      const { createDynamoDbClient, dynamodbTarget } = await clients();
      return createDynamoDbClient(dynamodbTarget(settings));
    }),
    sqs: once(async () => (await operations()).createSqsClient(region)),
    lambda: once(async () => (await operations()).createLambdaClient(region)),
    iam: once(async () => (await operations()).createIamClient(region)),
    cloudformation: once(async () => (await operations()).createCloudFormationClient(region)),
  };
}
