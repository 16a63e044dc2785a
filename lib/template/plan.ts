/**
 * The provisioning plan: what a rendered template asks for. Stable output format,
 * documented in the README ("The plan"); the handler's executor consumes exactly this.
 */

export type OverrideValue = 'DO_NOTHING' | 'REPLACE' | 'FAIL' | 'MERGE';

export interface ThingPlan {
  logicalName: string;
  thingName: string;
  thingTypeName: string | null;
  thingGroups: string[];
  billingGroup: string | null;
  attributes: Record<string, string>;
  /** Keyed by property name (`AttributePayload`, `ThingTypeName`, `ThingGroups`). */
  overrideSettings: Record<string, OverrideValue>;
}

export interface CertificatePlan {
  logicalName: string;
  certificateId: string;
  status: 'ACTIVE' | 'INACTIVE';
  /** Only `Status` is allowed. */
  overrideSettings: Record<string, OverrideValue>;
}

export interface PolicyPlan {
  logicalName: string;
  policyName: string;
  /** The parsed policy document, or null when the template names an existing policy. */
  policyDocument: Record<string, unknown> | null;
}

export interface Plan {
  parameters: Record<string, string>;
  thing: ThingPlan | null;
  certificate: CertificatePlan | null;
  policies: PolicyPlan[];
}
