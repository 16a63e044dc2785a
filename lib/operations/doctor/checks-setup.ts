/** Doctor checks of the deployed wiring: the CA, the topic rule and the DLQ. Pure. */

import { lambdaFunctionName } from '../../arn/arn.js';
import { NO_ERROR_RECORDED } from '../recorded-failures.js';
import { line } from './check-line.js';
import { checkQueueIngestion } from './checks-ingestion.js';
import {
  type CheckResult,
  type DoctorFacts,
  type IngestionFacts,
  isGatherError,
  type TopicRuleFacts,
} from './types.js';

const TOPIC_PREFIX = '$aws/events/certificates/registered/';

/** The topic in a rule's `SELECT … FROM '<topic>'`, null when there is none. */
export function ruleTopic(sql: string): string | null {
  return /\bFROM\s+'([^']+)'/i.exec(sql)?.[1] ?? null;
}

/** The CA is ACTIVE, auto-registers, and carries no JITP template. */
export function checkCa(facts: DoctorFacts): CheckResult[] {
  const id = facts.caCertificateId;
  if (id === null) {
    return [
      line('ca', false, 'a CA to check', 'Pass --ca <caCertificateId> (or a rule whose topic names one CA).'),
    ];
  }
  const ca = facts.ca;
  if (ca === undefined) return [];
  if (isGatherError(ca))
    return [line('ca', false, `CA ${id} can be described`, `DescribeCACertificate failed: ${ca.error}`)];
  if (ca === null) {
    return [
      line(
        'ca',
        false,
        `CA ${id} is registered`,
        'Register it: aws iot register-ca-certificate --ca-certificate file://ca.pem --verification-certificate file://verification.pem --set-as-active --allow-auto-registration',
      ),
    ];
  }
  const jitp = ca.registrationConfig?.templateBody ?? ca.registrationConfig?.templateName;
  return [
    line(
      'ca',
      ca.status === 'ACTIVE',
      `CA ${id} is ACTIVE${ca.status === 'ACTIVE' ? '' : ` (it is ${ca.status})`}`,
      `aws iot update-ca-certificate --certificate-id ${id} --new-status ACTIVE`,
    ),
    line(
      'ca',
      ca.autoRegistrationStatus === 'ENABLE',
      `auto-registration is ENABLE${ca.autoRegistrationStatus === 'ENABLE' ? '' : ` (it is ${ca.autoRegistrationStatus})`}`,
      `aws iot update-ca-certificate --certificate-id ${id} --new-auto-registration-status ENABLE`,
    ),
    line(
      'ca',
      jitp === undefined,
      'no JITP template is attached to the CA (it would race the handler)',
      `aws iot update-ca-certificate --certificate-id ${id} --remove-auto-registration, then --new-auto-registration-status ENABLE again`,
    ),
  ];
}

/** The rule exists, is enabled, listens to the CA's topic, targets the function and has an error action. */
export function checkRule(facts: DoctorFacts): CheckResult[] {
  if (facts.rule === undefined) return [];
  const { name, facts: rule } = facts.rule;
  if (isGatherError(rule))
    return [line('rule', false, `topic rule ${name} can be read`, `GetTopicRule failed: ${rule.error}`)];
  if (rule === null) {
    return [
      line(
        'rule',
        false,
        `topic rule ${name} exists`,
        'Deploy the stack (sam deploy) or pass the right --rule; AWS answers "does not exist" also when iot:GetTopicRule is denied.',
      ),
    ];
  }
  const results = [
    line(
      'rule',
      !rule.disabled,
      `topic rule ${name} is enabled`,
      `aws iot enable-topic-rule --rule-name ${name}`,
    ),
  ];
  const topic = ruleTopic(rule.sql);
  const caId = facts.caCertificateId;
  const wanted = caId === null ? null : `${TOPIC_PREFIX}${caId}`;
  const matches =
    topic !== null &&
    (topic === `${TOPIC_PREFIX}+` || (wanted === null ? topic.startsWith(TOPIC_PREFIX) : topic === wanted));
  results.push(
    line(
      'rule',
      matches,
      `the rule listens to ${wanted ?? `${TOPIC_PREFIX}<caId>`}${topic === null || matches ? '' : ` (it reads ${topic})`}`,
      `Set the rule's SQL to SELECT * FROM '${wanted ?? `${TOPIC_PREFIX}<caCertificateId>`}' (the stack's CA parameter), then redeploy.`,
    ),
  );
  if (facts.functionArn !== undefined && facts.functionArn !== null)
    results.push(...checkDelivery(rule, facts.functionArn, facts.ingestion));
  results.push(
    line(
      'rule',
      rule.errorAction !== null,
      `the rule has an error action${rule.errorAction === null ? '' : ` (${rule.errorAction})`}`,
      'Add an errorAction that sends to the DLQ (SQS), so failed invocations of the function are kept for replay.',
    ),
  );
  return results;
}

/**
 * The rule reaches the function along one of the stack's ingestion paths: direct (a Lambda
 * action on it) or queue (an SQS action to a queue an enabled event source mapping of it reads).
 */
function checkDelivery(
  rule: TopicRuleFacts,
  functionArn: string,
  ingestion: IngestionFacts | undefined,
): CheckResult[] {
  const fn = lambdaFunctionName(functionArn);
  const direct = rule.lambdaTargets.some((t) => lambdaFunctionName(t) === fn);
  if (!direct && rule.sqsTargets.length > 0 && ingestion !== undefined)
    return checkQueueIngestion(fn, functionArn, ingestion);
  const others = rule.lambdaTargets.map(lambdaFunctionName).join(', ') || 'no function';
  return [
    line(
      'rule',
      direct,
      `the rule invokes function ${fn}${direct ? ' (direct ingestion)' : ` (it invokes ${others}, and has no SQS action)`}`,
      `Give the rule a Lambda action on ${functionArn} (IngestionMode=direct) or an SQS action to the queue an event source mapping of ${fn} reads (IngestionMode=queue, the stack's default), then redeploy.`,
    ),
  ];
}

/** The DLQ is empty; otherwise how many messages, grouped by reason. */
export function checkDlq(facts: DoctorFacts): CheckResult[] {
  if (facts.dlq === undefined) return [];
  const { queueUrl, stateTable, facts: dlq } = facts.dlq;
  if (isGatherError(dlq))
    return [line('dlq', false, 'the DLQ can be read', `Reading ${queueUrl} failed: ${dlq.error}`)];
  if (dlq.count === 0) return [line('dlq', true, 'the DLQ is empty', '')];
  const groups = dlq.groups.map((g) => `${g.count} × ${g.reason}`).join('; ');
  const fn = facts.functionArn ? lambdaFunctionName(facts.functionArn) : '<function>';
  // A table that could not be read (wrong --table or region, AccessDenied) is a cause to fix first.
  const tableFix = dlq.groups.find((g) => g.reason === NO_ERROR_RECORDED.unreadable)?.remedies[0];
  return [
    line(
      'dlq',
      false,
      `the DLQ is empty (it holds ${dlq.count} message${dlq.count === 1 ? '' : 's'}${groups ? `: ${groups}` : ''})`,
      // With the table, replay explains the queue path's bare events as doctor did.
      `${tableFix === undefined ? '' : `The registration-state table could not be read: ${tableFix} `}Fix the causes above, then: jitr replay --queue-url ${queueUrl} --function-name ${fn}${stateTable === undefined ? '' : ` --table ${stateTable}`}`,
    ),
  ];
}
