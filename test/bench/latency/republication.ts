// A republication as AWS publishes it after a pending device reconnected: the certificate is
// registered (PENDING_ACTIVATION) and the event says so 1.5 s later — one CONNECT per second per
// client ID puts every republication at least a second after the registration, so the handler
// claims first. Used by the latency bench and the latency-path e2e test.
import { RegisterCertificateCommand } from '@aws-sdk/client-iot';
import type { Device } from '../../../infra/demo/world.js';
import type { Deployment } from '../../../infra/local-aws/deployment.js';
import type { LocalAws, LocalCa } from '../../../infra/local-aws/local-aws.js';

/** Registers the device's certificate; returns the republished event to invoke. */
export async function pendingRepublication(
  aws: LocalAws,
  ca: LocalCa,
  device: Device,
): Promise<Record<string, unknown>> {
  await aws.iot.send(
    new RegisterCertificateCommand({
      certificatePem: device.certificatePem,
      caCertificatePem: ca.ca.certificatePem,
      status: 'PENDING_ACTIVATION',
    }),
  );
  const registeredAt = Date.now() - 1500;
  return {
    certificateId: device.certificateId,
    caCertificateId: ca.caCertificateId,
    timestamp: registeredAt + 1500,
    certificateStatus: 'PENDING_ACTIVATION',
    awsAccountId: aws.sandbox.accountId,
    certificateRegistrationTimestamp: String(registeredAt),
  };
}

/**
 * Delivers the event along the deployment's ingestion path (the queue when it has an event
 * source, else an asynchronous invoke, as the rule does) and waits until the function is done
 * with it; throws unless it succeeded.
 */
export async function deliverAndSettle(
  aws: LocalAws,
  deployment: Pick<Deployment, 'fn'>,
  event: Record<string, unknown>,
): Promise<void> {
  const source = deployment.fn.eventSource;
  if (source === undefined) {
    const record = await deployment.fn.settled(deployment.fn.invokeAsync(event));
    if (record.status !== 'succeeded') throw new Error(`the republication ended ${record.status}`);
    return;
  }
  const message = aws.sandbox.sqs.send(source.queue, JSON.stringify(event));
  const how = await source.settled(message.messageId);
  if (how !== 'deleted') throw new Error(`the republication was ${how}`);
}
