/** Doctor checks of what the handler reads: the CRL, the template and what it references, the role. Pure. */

import { parseCertificate } from '../../certificate/index.js';
import { loadCrl } from '../../crl/index.js';
import { checkTemplate } from '../../template/index.js';
import { line } from './check-line.js';
import {
  type CheckResult,
  type DoctorFacts,
  type Gathered,
  isGatherError,
  type TemplateReferences,
} from './types.js';

const FRESHNESS_CODES = new Set(['CrlStale', 'CrlNotYetValid']);

function describeError(error: unknown): { code: string; message: string; remedy: string } {
  const e = error as { code?: unknown; message?: unknown; remedy?: unknown; path?: unknown };
  const code = typeof e.code === 'string' ? e.code : 'Error';
  const path = typeof e.path === 'string' ? ` at ${e.path}` : '';
  return {
    code,
    message: `${code}${path}: ${typeof e.message === 'string' ? e.message : String(error)}`,
    remedy: typeof e.remedy === 'string' ? e.remedy : 'See the message.',
  };
}

/** The CRL object exists, parses, is signed by the CA and is fresh. */
export function checkCrl(facts: DoctorFacts): CheckResult[] {
  const crl = facts.crl;
  if (crl === undefined) return [];
  const where = `s3://${crl.bucket}/${crl.key}`;
  if (isGatherError(crl.bytes))
    return [
      line(
        'crl',
        false,
        `CRL ${where} can be read`,
        `GetObject failed: ${crl.bytes.error}. Check the bucket name and region, and that your credentials may s3:GetObject ${where} (and s3:ListBucket on ${crl.bucket}, without which S3 reports a missing object as AccessDenied).`,
      ),
    ];
  if (crl.bytes === null && crl.optional === true) {
    return [
      {
        section: 'crl',
        ok: true,
        title: `no CRL at ${where} (allowed: CRL_MODE=optional, devices are not checked for revocation)`,
      },
    ];
  }
  if (crl.bytes === null) {
    return [
      line(
        'crl',
        false,
        `CRL ${where} exists`,
        `Publish the CA's CRL (DER or PEM): aws s3 cp ca.crl ${where}`,
      ),
    ];
  }
  const results = [line('crl', true, `CRL ${where} exists`, '')];
  const ca = facts.ca;
  if (ca === undefined || ca === null || isGatherError(ca)) {
    results.push(
      line(
        'crl',
        false,
        'the CRL is signed by the CA',
        'Fix the CA check above first: the CRL is verified against it.',
      ),
    );
    return results;
  }
  try {
    const verified = loadCrl(crl.bytes, parseCertificate(ca.certificatePem), {
      now: facts.now,
      maxStalenessSeconds: crl.maxStalenessSeconds,
    });
    results.push(
      line(
        'crl',
        true,
        `the CRL parses and is signed by the CA (CRL number ${verified.crlNumber ?? 'none'})`,
        '',
      ),
    );
    results.push(
      line('crl', true, `the CRL is fresh (nextUpdate ${verified.nextUpdate?.toISOString() ?? 'none'})`, ''),
    );
  } catch (error) {
    const e = describeError(error);
    if (FRESHNESS_CODES.has(e.code)) {
      results.push(line('crl', true, 'the CRL parses and is signed by the CA', ''));
      results.push(line('crl', false, `the CRL is fresh (${e.message})`, e.remedy));
    } else {
      results.push(line('crl', false, `the CRL parses and is signed by the CA (${e.message})`, e.remedy));
    }
  }
  return results;
}

/** The template loads and is valid; every literal thing type, group, billing group and named policy exists. */
export function checkTemplateAndReferences(
  facts: DoctorFacts,
  references: TemplateReferences | null,
): CheckResult[] {
  const t = facts.template;
  if (t === undefined) return [];
  if (isGatherError(t.body)) {
    return [line('template', false, `template ${t.source} can be loaded`, t.body.error)];
  }
  const results: CheckResult[] = [];
  try {
    checkTemplate(t.body);
    results.push(line('template', true, `template ${t.source} is valid`, ''));
  } catch (error) {
    const e = describeError(error);
    return [line('template', false, `template ${t.source} is valid (${e.message})`, e.remedy)];
  }
  const refs = facts.references;
  if (references === null || refs === undefined) return results;
  results.push(
    ...referenceLines(
      references.thingTypes,
      refs.thingTypes,
      'thing type',
      (name) => `aws iot create-thing-type --thing-type-name ${name}`,
      (name, f) => ({
        ok: !f.deprecated,
        title: `thing type ${name} exists${f.deprecated ? ' but is deprecated' : ''}`,
        remedy: `aws iot deprecate-thing-type --thing-type-name ${name} --undo-deprecate`,
      }),
    ),
    ...referenceLines(
      references.thingGroups,
      refs.thingGroups,
      'thing group',
      (name) => `aws iot create-thing-group --thing-group-name ${name}`,
      (name, f) => ({
        ok: !f.dynamic,
        title: `thing group ${name} exists and is static${f.dynamic ? ' (it is dynamic)' : ''}`,
        remedy: `Things cannot be added to a dynamic group: create a static group (aws iot create-thing-group --thing-group-name <name>) and name it in the template instead of ${name}.`,
      }),
    ),
    ...referenceLines(
      references.billingGroups,
      refs.billingGroups,
      'billing group',
      (name) => `aws iot create-billing-group --billing-group-name ${name}`,
    ),
    ...referenceLines(
      references.policies,
      refs.policies,
      'policy',
      (name) => `aws iot create-policy --policy-name ${name} --policy-document file://${name}.json`,
    ),
  );
  if (references.perDevice.length > 0) {
    results.push({
      section: 'template',
      ok: true,
      title: `set from device values, checked per device: ${references.perDevice.join(', ')}`,
    });
  }
  return results;
}

/**
 * One line per referenced resource that was looked up: the look-up failed, it is missing (the
 * remedy creates it), or it exists and `whenExists` may still find fault with it.
 */
function referenceLines<F extends { exists: boolean }>(
  names: readonly string[],
  found: Record<string, Gathered<F>>,
  kind: string,
  createCommand: (name: string) => string,
  whenExists?: (name: string, facts: F) => { ok: boolean; title: string; remedy: string },
): CheckResult[] {
  const results: CheckResult[] = [];
  for (const name of names) {
    const f = found[name];
    if (f === undefined) continue;
    const title = `${kind} ${name} exists`;
    if (isGatherError(f)) results.push(line('template', false, title, f.error));
    else if (!f.exists) results.push(line('template', false, title, createCommand(name)));
    else if (whenExists === undefined) results.push(line('template', true, title, ''));
    else {
      const extra = whenExists(name, f);
      results.push(line('template', extra.ok, extra.title, extra.remedy));
    }
  }
  return results;
}

/** The handler role allows every action the template needs; each missing one is named. */
export function checkPermissions(facts: DoctorFacts): CheckResult[] {
  const p = facts.permissions;
  if (p === undefined) return [];
  if (isGatherError(p)) {
    return [
      line(
        'role',
        false,
        "the function role's permissions can be simulated",
        `SimulatePrincipalPolicy failed: ${p.error} (the caller needs iam:SimulatePrincipalPolicy; or compare with: jitr template permissions)`,
      ),
    ];
  }
  const missing = p.results.filter((r) => !r.allowed);
  if (missing.length === 0) {
    const actions = new Set(p.results.map((r) => r.action));
    return [
      line('role', true, `role ${p.roleArn} allows all ${actions.size} actions the template needs`, ''),
    ];
  }
  return missing.map((m) =>
    line(
      'role',
      false,
      `role ${p.roleArn} allows ${m.action} on ${m.resource}`,
      `Add to the role's policy: ${JSON.stringify({ Effect: 'Allow', Action: m.action, Resource: m.resource })}`,
    ),
  );
}
