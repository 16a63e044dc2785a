/**
 * Policies known to exist with a given document, per warm container. GetPolicy and CreatePolicy
 * have low quotas (10 TPS), and every device of a fleet usually renders the same policy, so a
 * warm container skips both once it has seen the policy. The name is derived from the document
 * (deterministic), so a cached entry can only go stale if someone deletes or rewrites the policy
 * by hand; then AttachPolicy fails with PolicyNotFound, the entry is dropped, and the retry
 * recreates it.
 */
const known = new Map<string, string>();

/** Whether `policyName` is known to exist with this canonical document. */
export function isKnownPolicy(policyName: string, canonicalDocument: string): boolean {
  return known.get(policyName) === canonicalDocument;
}

/** Records that `policyName` exists with this canonical document. */
export function rememberPolicy(policyName: string, canonicalDocument: string): void {
  known.set(policyName, canonicalDocument);
}

/** Drops a policy found missing (deleted by hand) so the next attempt recreates it. */
export function forgetPolicy(policyName: string): void {
  known.delete(policyName);
}

/** Empties the cache (tests; a new container starts empty). */
export function clearPolicyCache(): void {
  known.clear();
}
