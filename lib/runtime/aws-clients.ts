/**
 * Every SDK client of the project is built here, from the settings the config module read
 * (region, custom endpoints), so that each endpoint rule is written once. Build clients once per
 * container or process (module scope of an entry point), never per event.
 */

import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { IoTClient, type IoTClientConfig } from '@aws-sdk/client-iot';
import { S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';
import type { AwsSettings } from '../config/config.js';
import { withIotRetryPolicy } from '../provisioning/iot-client.js';

/** Where one client goes; every field optional (the SDK's own defaults and environment apply). */
export interface ClientTarget {
  readonly region?: string | null;
  readonly endpoint?: string | null;
  readonly credentials?: S3ClientConfig['credentials'];
}

/** The region, endpoint and credentials of a target as SDK client options. */
export function clientOptions(target: ClientTarget): {
  region?: string;
  endpoint?: string;
  credentials?: S3ClientConfig['credentials'];
} {
  return {
    ...(target.region == null ? {} : { region: target.region }),
    ...(target.endpoint == null ? {} : { endpoint: target.endpoint }),
    ...(target.credentials === undefined ? {} : { credentials: target.credentials }),
  };
}

/** The S3 target of the settings (`AWS_ENDPOINT_URL_S3`, else `AWS_ENDPOINT_URL`). */
export function s3Target(aws: AwsSettings): ClientTarget {
  return { region: aws.region, endpoint: aws.s3Endpoint };
}

/** The IoT target of the settings (`AWS_ENDPOINT_URL_IOT`, else `AWS_ENDPOINT_URL`). */
export function iotTarget(aws: AwsSettings): ClientTarget {
  return { region: aws.region, endpoint: aws.iotEndpoint };
}

/**
 * The S3 client options. The one endpoint rule: a custom endpoint (the sandbox, MinIO,
 * LocalStack) only answers path-style requests, so any custom endpoint turns path-style on.
 */
export function s3ClientConfig(target: ClientTarget): S3ClientConfig {
  const options = clientOptions(target);
  return options.endpoint === undefined ? options : { ...options, forcePathStyle: true };
}

/** @example const s3 = createS3Client(s3Target(config.aws)); */
export function createS3Client(target: ClientTarget): S3Client {
  return new S3Client(s3ClientConfig(target));
}

/**
 * The IoT client of the SDK adapter: adaptive retry without retrying hard limits
 * (lib/provisioning/iot-client.ts). `extra` is passed through (tests: `maxAttempts`,
 * `requestHandler`).
 * @example const iot = createIotClient(iotTarget(config.aws));
 */
export function createIotClient(target: ClientTarget, extra: IoTClientConfig = {}): IoTClient {
  return new IoTClient(withIotRetryPolicy({ ...extra, ...clientOptions(target) }));
}

/** The DynamoDB target of the settings (`AWS_ENDPOINT_URL_DYNAMODB`, else `AWS_ENDPOINT_URL`). */
export function dynamodbTarget(aws: AwsSettings): ClientTarget {
  return { region: aws.region, endpoint: aws.dynamodbEndpoint };
}

/**
 * The client of the registration-state table: 2 attempts, 1 s to connect, 2 s per request. The
 * table is an optimisation: when it is slow or down the handler must fall back quickly rather
 * than spend its time budget waiting.
 * @example const dynamodb = createDynamoDbClient(dynamodbTarget(config.aws));
 */
export function createDynamoDbClient(target: ClientTarget): DynamoDBClient {
  return new DynamoDBClient({
    maxAttempts: 2,
    requestHandler: { connectionTimeout: 1000, requestTimeout: 2000 },
    ...clientOptions(target),
  });
}
