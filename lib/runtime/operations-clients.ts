/**
 * The SDK clients only the operations tools use (doctor, replay, reconcile, the demo): kept
 * apart from aws-clients.ts so that the registration function's bundle does not carry them.
 * Endpoints come from the target or, like every SDK client, from AWS_ENDPOINT_URL_<SERVICE>.
 */
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { IAMClient } from '@aws-sdk/client-iam';
import { IoTClient } from '@aws-sdk/client-iot';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { SQSClient } from '@aws-sdk/client-sqs';
import { type ClientTarget, clientOptions } from './aws-clients.js';

/**
 * A plain IoT client (the SDK's standard retries) for setting an account up — registering CAs,
 * reading statuses — where the registration's adaptive, quota-aware client is not wanted.
 */
export function createIotSetupClient(target: ClientTarget = {}): IoTClient {
  return new IoTClient(clientOptions(target));
}

export function createSqsClient(target: ClientTarget = {}): SQSClient {
  return new SQSClient(clientOptions(target));
}

export function createLambdaClient(target: ClientTarget = {}): LambdaClient {
  return new LambdaClient(clientOptions(target));
}

export function createIamClient(target: ClientTarget = {}): IAMClient {
  return new IAMClient(clientOptions(target));
}

export function createCloudFormationClient(target: ClientTarget = {}): CloudFormationClient {
  return new CloudFormationClient(clientOptions(target));
}
