/**
 * Amazon Resource Names, read and written one way (pure): the product (IoT ARNs in IAM
 * statements and policy evaluation, certificate ARNs in API answers, Lambda function ARNs,
 * S3 object ARNs in remedies) and the local sandbox, which answers with the same ARNs.
 */

/** `arn:<partition>:<service>:<region>:<account>:<resource>`, each part as written. */
export interface Arn {
  partition: string;
  service: string;
  region: string;
  account: string;
  /** Everything after the fifth colon (`cert/<id>`, `function:<name>[:<qualifier>]`, `bucket/key`). */
  resource: string;
}

const ACCOUNT_ID = /^[0-9]{12}$/;

/**
 * The region and account of ARNs when none is given: the local sandbox's, and the ARNs
 * `jitr template explain` evaluates offline (AWS's documentation account).
 */
export const DEFAULT_REGION = 'us-east-1';
export const DEFAULT_ACCOUNT = '123456789012';

/**
 * The parts of an ARN, or null when `text` is not one.
 * @example parseArn('arn:aws:iot:eu-west-1:123456789012:cert/ab12') // { service: 'iot', resource: 'cert/ab12', … }
 */
export function parseArn(text: string): Arn | null {
  const parts = text.split(':');
  if (parts.length < 6 || parts[0] !== 'arn') return null;
  const [, partition = '', service = '', region = '', account = ''] = parts;
  if (partition === '' || service === '') return null;
  return { partition, service, region, account, resource: parts.slice(5).join(':') };
}

/** The 12-digit account id of an ARN, or null (no ARN, or no account in it). */
export function accountOfArn(text: string): string | null {
  const account = parseArn(text)?.account;
  return account !== undefined && ACCOUNT_ID.test(account) ? account : null;
}

/** The region of an ARN, or null (no ARN, or a global resource). */
export function regionOfArn(text: string): string | null {
  const region = parseArn(text)?.region;
  return region === undefined || region === '' ? null : region;
}

/**
 * `arn:aws:iot:<region>:<account>:<type>/<name>`; `*` for a region or account stands for any
 * (an IAM resource pattern).
 * @example iotArn('eu-west-1', '123456789012', 'thing', 'lamp-1')
 */
export function iotArn(region: string, account: string, type: string, name: string): string {
  return `arn:aws:iot:${region}:${account}:${type}/${name}`;
}

/**
 * The name in an AWS IoT ARN of `type` (`cert` → the certificate id, `thinggroup` → the group),
 * or null when `text` is no IoT ARN of that type.
 * @example iotResourceName('arn:aws:iot:eu-west-1:123456789012:cert/ab12', 'cert') // 'ab12'
 */
export function iotResourceName(text: string, type: string): string | null {
  const arn = parseArn(text);
  if (arn === null || arn.service !== 'iot' || !arn.resource.startsWith(`${type}/`)) return null;
  return arn.resource.slice(type.length + 1);
}

/** `client/lamp-1` from `arn:aws:iot:…:client/lamp-1` (the part a firmware team reads); else the text. */
export function iotResourceOf(text: string): string {
  const arn = parseArn(text);
  return arn !== null && arn.service === 'iot' ? arn.resource : text;
}

/**
 * The function name in a Lambda function ARN (`…:function:NAME[:qualifier]`), or the text itself
 * when it is a bare name.
 * @example lambdaFunctionName('arn:aws:lambda:eu-west-1:123456789012:function:jitr:live') // 'jitr'
 */
export function lambdaFunctionName(arnOrName: string): string {
  const arn = parseArn(arnOrName);
  if (arn === null || arn.service !== 'lambda') return arnOrName;
  const [kind, name] = arn.resource.split(':');
  return kind === 'function' && name !== undefined && name !== '' ? name : arnOrName;
}

/** `arn:aws:lambda:<region>:<account>:function:<name>` (unqualified). */
export function lambdaFunctionArn(region: string, account: string, name: string): string {
  return `arn:aws:lambda:${region}:${account}:function:${name}`;
}

/** `arn:aws:sqs:<region>:<account>:<queue name>`. */
export function sqsQueueArn(region: string, account: string, name: string): string {
  return `arn:aws:sqs:${region}:${account}:${name}`;
}

/** The queue name of an SQS queue ARN, or the text itself when it is no such ARN. */
export function sqsQueueName(arnOrName: string): string {
  const arn = parseArn(arnOrName);
  return arn !== null && arn.service === 'sqs' && arn.resource !== '' ? arn.resource : arnOrName;
}

/** `arn:aws:s3:::<bucket>/<key>`: the resource of an s3:GetObject / s3:PutObject statement. */
export function s3ObjectArn(bucket: string, key: string): string {
  return `arn:aws:s3:::${bucket}/${key}`;
}
