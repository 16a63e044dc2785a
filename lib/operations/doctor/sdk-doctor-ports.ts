/**
 * The SDK adapter of {@link DoctorPorts}. Doctor reads IoT resources the handler never
 * reads (topic rules, thing types, dynamic groups), so these calls live here, not in the
 * handler's IoT port; the CA is described through that port to share its parsing.
 */
import { type IAMClient, SimulatePrincipalPolicyCommand } from '@aws-sdk/client-iam';
import {
  DescribeBillingGroupCommand,
  DescribeThingGroupCommand,
  DescribeThingTypeCommand,
  GetPolicyCommand,
  GetTopicRuleCommand,
  type IoTClient,
} from '@aws-sdk/client-iot';
import { type LambdaClient, ListEventSourceMappingsCommand } from '@aws-sdk/client-lambda';
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { GetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { JitrLogger } from '../../observability.js';
import { systemClock } from '../../pacing/token-bucket.js';
import type { IotRegistry } from '../../provisioning/iot-registry.js';
import { s3ObjectReader } from '../../template-source/object-reader.js';
import { parseTemplateSourceRef } from '../../template-source/source-ref.js';
import { createTemplateSource } from '../../template-source/template-source.js';
import { InvalidOperationsOptionError } from '../errors.js';
import type { RecordedFailureSource } from '../recorded-failures.js';
import { replayDlq } from '../replay/engine.js';
import type { EventInvoker } from '../replay/ports.js';
import { SqsDlqQueue } from '../replay/sqs-dlq-queue.js';
import type { DoctorPorts } from './ports.js';
import type { EventSourceMappingFacts, TopicRuleFacts } from './types.js';

export interface SdkDoctorClients {
  iot: IoTClient;
  registry: Pick<IotRegistry, 'describeCaCertificate' | 'describeProvisioningTemplate'>;
  s3: S3Client;
  sqs: SQSClient;
  iam: IAMClient;
  /** The function's event source mappings (the queue path). */
  lambda: LambdaClient;
  /** Why bare events in the DLQ failed (the registration-state table); absent: none known. */
  recorded?: RecordedFailureSource;
}

function isNamed(error: unknown, ...names: string[]): boolean {
  return error instanceof Error && names.includes(error.name);
}

const silent: JitrLogger = { debug() {}, info() {}, warn() {}, error() {} };

/** Peeking never invokes anything. */
const noInvoker: EventInvoker = {
  invoke: async () => ({ ok: false, reason: 'doctor does not replay' }),
};

/** Builds the doctor ports over SDK clients. */
export function sdkDoctorPorts(clients: SdkDoctorClients): DoctorPorts {
  const { iot, s3, sqs, iam, lambda, registry, recorded } = clients;
  return {
    async describeCa(caCertificateId) {
      try {
        return await registry.describeCaCertificate(caCertificateId);
      } catch (error) {
        if ((error as { code?: unknown }).code === 'CaCertificateNotFound') return null;
        throw error;
      }
    },

    async getTopicRule(ruleName) {
      try {
        const out = await iot.send(new GetTopicRuleCommand({ ruleName }));
        const rule = out.rule;
        if (rule === undefined) return null;
        const error = rule.errorAction;
        const errorAction =
          error === undefined
            ? null
            : error.sqs?.queueUrl !== undefined
              ? `sqs:${error.sqs.queueUrl}`
              : error.lambda?.functionArn !== undefined
                ? `lambda:${error.lambda.functionArn}`
                : Object.keys(error)
                    .filter((k) => (error as Record<string, unknown>)[k] !== undefined)
                    .join(',') || null;
        const facts: TopicRuleFacts = {
          ruleName: rule.ruleName ?? ruleName,
          sql: rule.sql ?? '',
          disabled: rule.ruleDisabled === true,
          lambdaTargets: (rule.actions ?? []).flatMap((a) =>
            a.lambda?.functionArn ? [a.lambda.functionArn] : [],
          ),
          sqsTargets: (rule.actions ?? []).flatMap((a) => (a.sqs?.queueUrl ? [a.sqs.queueUrl] : [])),
          errorAction,
        };
        return facts;
      } catch (error) {
        // AWS IoT answers UnauthorizedException for a rule that does not exist.
        if (isNamed(error, 'UnauthorizedException', 'ResourceNotFoundException')) return null;
        throw error;
      }
    },

    async queueArn(queueUrl) {
      try {
        const out = await sqs.send(
          new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }),
        );
        return out.Attributes?.QueueArn ?? null;
      } catch (error) {
        if (isNamed(error, 'QueueDoesNotExist', 'AWS.SimpleQueueService.NonExistentQueue')) return null;
        throw error;
      }
    },

    async listEventSourceMappings(functionArn) {
      const mappings: EventSourceMappingFacts[] = [];
      let marker: string | undefined;
      do {
        const out = await lambda.send(
          new ListEventSourceMappingsCommand({
            FunctionName: functionArn,
            ...(marker === undefined ? {} : { Marker: marker }),
          }),
        );
        for (const m of out.EventSourceMappings ?? []) {
          if (m.UUID === undefined || m.EventSourceArn === undefined) continue;
          mappings.push({
            uuid: m.UUID,
            eventSourceArn: m.EventSourceArn,
            state: m.State ?? 'unknown',
            reportBatchItemFailures: (m.FunctionResponseTypes ?? []).includes('ReportBatchItemFailures'),
          });
        }
        marker = out.NextMarker;
      } while (marker !== undefined && marker !== '');
      return mappings;
    },

    async getObject(bucket, key) {
      try {
        const out = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
        return out.Body === undefined ? new Uint8Array() : await out.Body.transformToByteArray();
      } catch (error) {
        if (isNamed(error, 'NoSuchKey', 'NotFound')) return null;
        throw error;
      }
    },

    async describeThingType(name) {
      try {
        const out = await iot.send(new DescribeThingTypeCommand({ thingTypeName: name }));
        return { exists: true, deprecated: out.thingTypeMetadata?.deprecated === true };
      } catch (error) {
        if (isNamed(error, 'ResourceNotFoundException')) return { exists: false, deprecated: false };
        throw error;
      }
    },

    async describeThingGroup(name) {
      try {
        const out = await iot.send(new DescribeThingGroupCommand({ thingGroupName: name }));
        // A query string makes a group dynamic: things cannot be added to it.
        return { exists: true, dynamic: out.queryString !== undefined && out.queryString !== '' };
      } catch (error) {
        if (isNamed(error, 'ResourceNotFoundException')) return { exists: false, dynamic: false };
        throw error;
      }
    },

    async describeBillingGroup(name) {
      try {
        await iot.send(new DescribeBillingGroupCommand({ billingGroupName: name }));
        return { exists: true };
      } catch (error) {
        if (isNamed(error, 'ResourceNotFoundException')) return { exists: false };
        throw error;
      }
    },

    async getPolicy(name) {
      try {
        await iot.send(new GetPolicyCommand({ policyName: name }));
        return { exists: true };
      } catch (error) {
        if (isNamed(error, 'ResourceNotFoundException')) return { exists: false };
        throw error;
      }
    },

    async simulate(roleArn, actions, resources) {
      const results: { action: string; resource: string; allowed: boolean }[] = [];
      let marker: string | undefined;
      do {
        const out = await iam.send(
          new SimulatePrincipalPolicyCommand({
            PolicySourceArn: roleArn,
            ActionNames: [...actions],
            ResourceArns: [...resources],
            ...(marker === undefined ? {} : { Marker: marker }),
          }),
        );
        for (const r of out.EvaluationResults ?? []) {
          // With several resources the decision per resource is in ResourceSpecificResults.
          const specific = r.ResourceSpecificResults ?? [];
          if (specific.length > 0) {
            for (const s of specific) {
              results.push({
                action: r.EvalActionName ?? '?',
                resource: s.EvalResourceName ?? '*',
                allowed: s.EvalResourceDecision === 'allowed',
              });
            }
          } else {
            results.push({
              action: r.EvalActionName ?? '?',
              resource: r.EvalResourceName ?? '*',
              allowed: r.EvalDecision === 'allowed',
            });
          }
        }
        marker = out.IsTruncated === true ? out.Marker : undefined;
      } while (marker !== undefined);
      return results;
    },

    async loadTemplate(source, caCertificateId) {
      const ref = parseTemplateSourceRef(source);
      if (ref === null) {
        throw new InvalidOperationsOptionError({
          kind: 'not-a-template-source',
          option: '--template',
          value: source,
        });
      }
      const templates = createTemplateSource({
        defaultSource: ref,
        byCa: {},
        refreshSeconds: 0,
        objects: s3ObjectReader(s3),
        iot: registry,
        clock: () => new Date(),
        logger: silent,
      });
      return (await templates.forCa(caCertificateId)).template;
    },

    async peekDlq(queueUrl) {
      const attributes = await sqs.send(
        new GetQueueAttributesCommand({
          QueueUrl: queueUrl,
          AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
        }),
      );
      const visible = Number(attributes.Attributes?.ApproximateNumberOfMessages ?? '0');
      const hidden = Number(attributes.Attributes?.ApproximateNumberOfMessagesNotVisible ?? '0');
      const count = visible + hidden;
      if (visible === 0) return { count, groups: [] };
      // A dry-run replay of a sample: grouped by reason, every message released again.
      const queue = new SqsDlqQueue({ sqs, queueUrl, visibilityTimeoutSeconds: 30, waitTimeSeconds: 0 });
      const report = await replayDlq(
        {
          queue,
          invoker: noInvoker,
          certificates: { status: async () => null },
          clock: systemClock,
          ...(recorded === undefined ? {} : { recorded }),
        },
        { max: 100, ratePerSecond: 1, dryRun: true, certificateIds: [] },
      );
      return { count, groups: report.groups };
    },
  };
}
