/**
 * Account setup an operator does once, done through the real SDK against whatever endpoint the
 * clients point at: register a CA for auto-registration (without a JITP template), create the
 * thing type and groups a template needs, publish a CRL, upload a template, create the DLQ.
 */
import {
  CreateThingGroupCommand,
  CreateThingTypeCommand,
  GetRegistrationCodeCommand,
  type IoTClient,
  RegisterCACertificateCommand,
} from '@aws-sdk/client-iot';
import { CreateBucketCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { CreateQueueCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { crlObjectKey, DEFAULT_CRL_KEY_TEMPLATE } from '../../lib/crl/object-key.js';
import { buildCrl, type CrlEntryInput } from '../../lib/pki/build-crl.js';
import { type Ca, createVerificationCertificate } from '../../lib/pki/certificates.js';

/** The object key the handler reads a CA's CRL from by default (CRL_KEY_TEMPLATE). */
export function crlKey(caCertificateId: string): string {
  return crlObjectKey(DEFAULT_CRL_KEY_TEMPLATE, caCertificateId);
}

/** What a template refers to that must exist before it provisions a thing. */
export interface TemplateResources {
  thingTypeName: string;
  thingGroups: readonly string[];
}

/**
 * Registers `ca` with AWS IoT as `ACTIVE` with auto-registration enabled and no registration
 * config (a JITP template would race the handler), proving possession with a verification
 * certificate. Returns the CA certificate id.
 */
export async function registerCa(iot: IoTClient, ca: Ca): Promise<string> {
  const { registrationCode } = await iot.send(new GetRegistrationCodeCommand({}));
  const verification = createVerificationCertificate({
    ca,
    registrationCode: registrationCode ?? '',
    keyType: 'ec',
  });
  const registered = await iot.send(
    new RegisterCACertificateCommand({
      caCertificate: ca.certificatePem,
      verificationCertificate: verification.certificatePem,
      setAsActive: true,
      allowAutoRegistration: true,
    }),
  );
  if (registered.certificateId === undefined)
    throw new Error('RegisterCACertificate returned no certificateId');
  return registered.certificateId;
}

/** Creates the thing type and the static thing groups a template refers to. */
export async function createTemplateResources(iot: IoTClient, options: TemplateResources): Promise<void> {
  await iot.send(new CreateThingTypeCommand({ thingTypeName: options.thingTypeName }));
  for (const thingGroupName of options.thingGroups) {
    await iot.send(new CreateThingGroupCommand({ thingGroupName }));
  }
}

export async function createBucket(s3: S3Client, bucket: string): Promise<void> {
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
}

export interface CrlSpec {
  ca: Ca;
  entries: CrlEntryInput[];
  crlNumber: number;
  thisUpdate: Date;
  nextUpdate: Date;
}

/** Signs a CRL with the CA and uploads it (DER) where the handler reads it. */
export async function publishCrl(
  s3: S3Client,
  bucket: string,
  caCertificateId: string,
  spec: CrlSpec,
): Promise<void> {
  const der = buildCrl({
    ca: spec.ca,
    entries: spec.entries,
    crlNumber: spec.crlNumber,
    thisUpdate: spec.thisUpdate,
    nextUpdate: spec.nextUpdate,
  });
  await s3.send(
    new PutObjectCommand({
      Bucket: bucket,
      Key: crlKey(caCertificateId),
      Body: der,
      ContentType: 'application/pkix-crl',
    }),
  );
}

/** Uploads a template as JSON and returns its `s3://` source string for TEMPLATE_SOURCE. */
export async function uploadTemplate(
  s3: S3Client,
  bucket: string,
  key: string,
  template: unknown,
): Promise<string> {
  await s3.send(
    new PutObjectCommand({
      Bucket: bucket,
      Key: key,
      Body: JSON.stringify(template),
      ContentType: 'application/json',
    }),
  );
  return `s3://${bucket}/${key}`;
}

/** Creates the dead-letter queue and returns its URL. */
export async function createQueue(sqs: SQSClient, queueName: string): Promise<string> {
  const created = await sqs.send(new CreateQueueCommand({ QueueName: queueName }));
  if (created.QueueUrl === undefined) throw new Error('CreateQueue returned no QueueUrl');
  return created.QueueUrl;
}
