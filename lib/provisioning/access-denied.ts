/**
 * Parses AWS's access-denied message into the permission to grant.
 *
 * Format (IAM user guide, "Troubleshooting access denied error messages"):
 *   `User: <principal ARN> is not authorized to perform: <action> on resource: <resource ARN>
 *    because no <policy type> policy allows the <action> action`
 * or `... with an explicit deny in a <policy type> policy`, and older/shorter forms without the
 * `because`/`with` context or without `on resource:` (AWS IoT has answered
 * `... is not authorized to perform: iot:AttachPolicy on resource: <target>` with HTTP 403
 * `AccessDeniedException`, aws-amplify/aws-sdk-android#640).
 */

export type DenyKind = 'implicit' | 'explicit' | 'unknown';

export interface AccessDeniedFacts {
  /** The IAM action, e.g. `iot:CreateThing`; falls back to `iot:<Operation>` when the message has none. */
  missingPermission: string;
  /** The resource ARN from the message, or `*` when it names none. */
  resource: string;
  principal: string | null;
  denyKind: DenyKind;
  /** `identity-based`, `service control`, `permissions boundary`, `session`, `resource-based`, … */
  policyType: string | null;
  /** The IAM statement that grants the missing permission. */
  statement: { Effect: 'Allow'; Action: string; Resource: string };
}

const CORE = /(?:User: (\S+) )?is not authorized to perform: ([\w-]+:[\w*]+)(?: on resource: (\S+))?/;
const IMPLICIT = /because no ([\w -]+?) (?:policy )?allows/;
const EXPLICIT = /with an explicit deny in (?:an? )?([\w -]+?)(?: [Pp]olicy)?(?=[:.,]|$)/;

/**
 * Extracts action, resource, principal and deny kind from an access-denied message.
 * @param message The AWS error message (untrusted text; only matched, never evaluated).
 * @param fallbackAction The IAM action of the call that failed (`iot:<Operation>`), used
 *   when the message does not name one.
 * @example parseAccessDenied('User: arn:aws:sts::1:assumed-role/R/S is not authorized to perform: iot:CreateThing on resource: arn:aws:iot:eu-west-1:1:thing/x because no identity-based policy allows the iot:CreateThing action', 'iot:CreateThing')
 */
export function parseAccessDenied(message: string, fallbackAction: string): AccessDeniedFacts {
  const core = CORE.exec(message);
  const missingPermission = core?.[2] ?? fallbackAction;
  // A resource at the end of a sentence carries its full stop; ARNs never end with one.
  const resource = core?.[3]?.replace(/[.,;]+$/, '') ?? '*';
  const explicit = EXPLICIT.exec(message);
  const implicit = IMPLICIT.exec(message);
  const denyKind: DenyKind = explicit ? 'explicit' : implicit ? 'implicit' : 'unknown';
  return {
    missingPermission,
    resource,
    principal: core?.[1] ?? null,
    denyKind,
    policyType: explicit?.[1] ?? implicit?.[1] ?? null,
    statement: { Effect: 'Allow', Action: missingPermission, Resource: resource },
  };
}

/** The one-line remedy for an access-denied answer. */
export function accessDeniedRemedy(facts: AccessDeniedFacts): string {
  const statement = JSON.stringify(facts.statement);
  if (facts.denyKind === 'explicit') {
    return (
      `An explicit Deny in a ${facts.policyType ?? ''} policy blocks ${facts.missingPermission} on ` +
      `${facts.resource}: remove or narrow that Deny (an Allow cannot override it), make sure the ` +
      `function's role also has ${statement}, then replay the DLQ.`
    );
  }
  return `Add this statement to the function's role policy: ${statement}, then replay the DLQ.`;
}
