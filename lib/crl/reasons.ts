// CRLReason (RFC 5280 §5.3.1) names by code. Code 7 is unassigned.

export type RevocationReason =
  | 'unspecified'
  | 'keyCompromise'
  | 'cACompromise'
  | 'affiliationChanged'
  | 'superseded'
  | 'cessationOfOperation'
  | 'certificateHold'
  | 'removeFromCRL'
  | 'privilegeWithdrawn'
  | 'aACompromise';

export const REVOCATION_REASON_CODES: Readonly<Record<RevocationReason, number>> = {
  unspecified: 0,
  keyCompromise: 1,
  cACompromise: 2,
  affiliationChanged: 3,
  superseded: 4,
  cessationOfOperation: 5,
  certificateHold: 6,
  removeFromCRL: 8,
  privilegeWithdrawn: 9,
  aACompromise: 10,
};

const BY_CODE = new Map<number, RevocationReason>(
  Object.entries(REVOCATION_REASON_CODES).map(([name, code]) => [code, name as RevocationReason]),
);

/** The reason name for a code, or undefined for an unassigned code. */
export function reasonFromCode(code: number): RevocationReason | undefined {
  return BY_CODE.get(code);
}
