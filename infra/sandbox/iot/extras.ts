import { arn, epochSeconds, type IotRoute, type ProvisioningTemplateRecord } from './model.js';
import { optionalString, requiredString } from './request-fields.js';
import { alreadyExists, invalidRequest, notFound, ServiceError } from './service-error.js';
import { checkRuleName, checkTemplateName } from './validation.js';

const TEMPLATE_BODY_MAX = 10240;

/** Provisioning templates and topic rules (what setup, doctor and the demo need). */
export const extraRoutes: IotRoute[] = [
  {
    op: 'CreateProvisioningTemplate',
    method: 'POST',
    path: '/provisioning-templates',
    handle: (req, store) => {
      const name = requiredString(req, 'templateName');
      checkTemplateName(name);
      const body = requiredString(req, 'templateBody');
      if (body.length > TEMPLATE_BODY_MAX)
        throw invalidRequest(`templateBody exceeds ${TEMPLATE_BODY_MAX} characters`);
      try {
        JSON.parse(body);
      } catch {
        throw invalidRequest('templateBody is not valid JSON');
      }
      const type = optionalString(req, 'type') ?? 'FLEET_PROVISIONING';
      if (type !== 'FLEET_PROVISIONING' && type !== 'JITP')
        throw invalidRequest(`Invalid template type ${type}`);
      const existing = store.templates.get(name);
      if (existing !== undefined) {
        throw alreadyExists(`Template ${name} already exists`, name, existing.templateArn);
      }
      const now = store.now();
      const template: ProvisioningTemplateRecord = {
        templateName: name,
        templateArn: arn(store, 'provisioningtemplate', name),
        description: optionalString(req, 'description'),
        templateBody: body,
        enabled: req.body.enabled === true,
        provisioningRoleArn: requiredString(req, 'provisioningRoleArn'),
        type,
        preProvisioningHook: req.body.preProvisioningHook,
        creationDate: now,
        lastModifiedDate: now,
      };
      store.templates.set(name, template);
      return { templateArn: template.templateArn, templateName: name, defaultVersionId: 1 };
    },
  },
  {
    op: 'DescribeProvisioningTemplate',
    method: 'GET',
    path: '/provisioning-templates/{templateName}',
    resource: (req, store) => arn(store, 'provisioningtemplate', req.labels.templateName ?? ''),
    handle: (req, store) => {
      const name = req.labels.templateName ?? '';
      checkTemplateName(name);
      const t = store.templates.get(name);
      if (t === undefined) throw notFound(`The provisioning template ${name} does not exist`);
      return {
        templateArn: t.templateArn,
        templateName: t.templateName,
        ...(t.description === undefined ? {} : { description: t.description }),
        creationDate: epochSeconds(t.creationDate),
        lastModifiedDate: epochSeconds(t.lastModifiedDate),
        defaultVersionId: 1,
        templateBody: t.templateBody,
        enabled: t.enabled,
        provisioningRoleArn: t.provisioningRoleArn,
        ...(t.preProvisioningHook === undefined ? {} : { preProvisioningHook: t.preProvisioningHook }),
        type: t.type,
      };
    },
  },
  {
    op: 'CreateTopicRule',
    method: 'POST',
    path: '/rules/{ruleName}',
    resource: (req, store) => arn(store, 'rule', req.labels.ruleName ?? ''),
    handle: (req, store) => {
      const name = req.labels.ruleName ?? '';
      checkRuleName(name);
      // topicRulePayload is the HTTP payload itself.
      if (typeof req.body.sql !== 'string' || !Array.isArray(req.body.actions)) {
        throw invalidRequest('topicRulePayload needs sql and actions');
      }
      if (store.topicRules.has(name)) {
        throw alreadyExists(`Rule ${name} already exists`, name, arn(store, 'rule', name));
      }
      store.topicRules.set(name, {
        ruleName: name,
        ruleArn: arn(store, 'rule', name),
        payload: { ...req.body },
        createdAt: store.now(),
      });
      return undefined;
    },
  },
  {
    op: 'GetTopicRule',
    method: 'GET',
    path: '/rules/{ruleName}',
    resource: (req, store) => arn(store, 'rule', req.labels.ruleName ?? ''),
    handle: (req, store) => {
      const name = req.labels.ruleName ?? '';
      checkRuleName(name);
      const rule = store.topicRules.get(name);
      // Real IoT answers UnauthorizedException (401), not ResourceNotFound, for a rule that does
      // not exist (the Terraform AWS provider treats that error as "rule gone" for this reason).
      if (rule === undefined)
        throw new ServiceError('UnauthorizedException', 401, `Rule ${name} does not exist`);
      const p = rule.payload;
      return {
        ruleArn: rule.ruleArn,
        rule: {
          ruleName: rule.ruleName,
          sql: p.sql,
          ...(p.description === undefined ? {} : { description: p.description }),
          createdAt: epochSeconds(rule.createdAt),
          actions: p.actions,
          ruleDisabled: p.ruleDisabled === true,
          awsIotSqlVersion: p.awsIotSqlVersion ?? '2015-10-08',
          ...(p.errorAction === undefined ? {} : { errorAction: p.errorAction }),
        },
      };
    },
  },
];
