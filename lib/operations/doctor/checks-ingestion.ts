/**
 * Doctor's checks of the queue ingestion path (template.yaml's default IngestionMode): the
 * rule's SQS action writes to a queue, and an enabled event source mapping with
 * ReportBatchItemFailures feeds that queue to the function. Pure.
 */
import { sqsQueueName } from '../../arn/arn.js';
import { line } from './check-line.js';
import {
  type CheckResult,
  type EventSourceMappingFacts,
  type IngestionFacts,
  isGatherError,
} from './types.js';

/** The queue name of a queue URL (`https://sqs.<region>.amazonaws.com/<account>/<name>`). */
function queueNameOfUrl(queueUrl: string): string {
  return queueUrl.replace(/\/+$/, '').split('/').pop() ?? queueUrl;
}

/** The mapping that carries the queue: an enabled one first. */
function mappingOf(mappings: EventSourceMappingFacts[], arns: readonly string[]) {
  const reading = mappings.filter((m) => arns.includes(m.eventSourceArn));
  return reading.find((m) => m.state === 'Enabled') ?? reading[0];
}

/**
 * The queue path's lines for function `fn` (name) / `functionArn`, from the gathered facts.
 * A read that failed is a ✗ saying what could not be looked at, never a ✓.
 */
export function checkQueueIngestion(
  fn: string,
  functionArn: string,
  ingestion: IngestionFacts,
): CheckResult[] {
  const results: CheckResult[] = [];
  const arns: string[] = [];
  for (const { queueUrl, arn } of ingestion.queues) {
    const name = queueNameOfUrl(queueUrl);
    if (isGatherError(arn))
      results.push(
        line(
          'rule',
          false,
          `the rule's queue ${name}: not checked (its ARN could not be read)`,
          `GetQueueAttributes (QueueArn) on ${queueUrl} failed: ${arn.error}. Doctor needs sqs:GetQueueAttributes on it.`,
        ),
      );
    else if (arn === null)
      results.push(
        line(
          'rule',
          false,
          `the rule's queue ${name} exists`,
          `Point the rule's SQS action at the stack's IngestionQueue (sam deploy does), or create ${queueUrl}.`,
        ),
      );
    else arns.push(arn);
  }
  const { mappings } = ingestion;
  if (isGatherError(mappings)) {
    results.push(
      line(
        'rule',
        false,
        `the rule's queue feeds function ${fn}: not checked (its event source mappings could not be listed)`,
        `ListEventSourceMappings failed: ${mappings.error}. Doctor needs lambda:ListEventSourceMappings.`,
      ),
    );
    return results;
  }
  if (arns.length === 0) return results;
  const mapping = mappingOf(mappings, arns);
  const names = arns.map((a) => sqsQueueName(a)).join(', ');
  if (mapping === undefined) {
    const read = mappings.map((m) => sqsQueueName(m.eventSourceArn)).join(', ');
    results.push(
      line(
        'rule',
        false,
        `the rule's queue ${names} feeds function ${fn} (no event source mapping of ${fn} reads it; ${read === '' ? `${fn} has none` : `${fn} reads ${read}`})`,
        `Point the rule's SQS action at the queue ${fn} reads, or: aws lambda create-event-source-mapping --function-name ${functionArn} --event-source-arn ${arns[0]} --function-response-types ReportBatchItemFailures (the stack's IngestionEventSource), then redeploy.`,
      ),
    );
    return results;
  }
  const queue = sqsQueueName(mapping.eventSourceArn);
  const enabled = mapping.state === 'Enabled';
  results.push(
    line(
      'rule',
      true,
      `the rule writes to queue ${queue}, which feeds function ${fn} (event source mapping ${mapping.uuid})`,
      '',
    ),
    line(
      'rule',
      enabled,
      `the event source mapping is Enabled${enabled ? '' : ` (it is ${mapping.state})`}`,
      mapping.state === 'Disabled'
        ? `aws lambda update-event-source-mapping --uuid ${mapping.uuid} --enabled`
        : `Wait until the mapping settles (aws lambda get-event-source-mapping --uuid ${mapping.uuid}); if it stays ${mapping.state}, redeploy the stack.`,
    ),
    line(
      'rule',
      mapping.reportBatchItemFailures,
      'the event source mapping reports batch item failures (ReportBatchItemFailures)',
      `aws lambda update-event-source-mapping --uuid ${mapping.uuid} --function-response-types ReportBatchItemFailures (without it Lambda ignores the batchItemFailures the handler answers: a failed event is deleted with its batch instead of retried and kept in the DLQ).`,
    ),
  );
  return results;
}
