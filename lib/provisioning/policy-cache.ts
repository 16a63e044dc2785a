/**
 * Policies known to exist with a given document, per warm container. GetPolicy and CreatePolicy
 * have low quotas (10 TPS), and every device of a fleet usually renders the same policy, so a
 * warm container skips both once it has seen the policy. The name is derived from the document
 * (deterministic), so a cached entry can only go stale if someone deletes or rewrites the policy
 * by hand; then AttachPolicy fails with PolicyNotFound, the entry is dropped, and the retry
 * recreates it. One instance per container, built by the composition root (lib/runtime/).
 */
export interface PolicyCache {
  /** Whether `policyName` is known to exist with this canonical document. */
  isKnown(policyName: string, canonicalDocument: string): boolean;
  /** Records that `policyName` exists with this canonical document. */
  remember(policyName: string, canonicalDocument: string): void;
  /** Drops a policy found missing (deleted by hand) so the next attempt recreates it. */
  forget(policyName: string): void;
}

/**
 * An empty cache (a new container starts empty).
 * @example const policyCache = createPolicyCache();
 */
export function createPolicyCache(): PolicyCache {
  const known = new Map<string, string>();
  return {
    isKnown: (policyName, canonicalDocument) => known.get(policyName) === canonicalDocument,
    remember: (policyName, canonicalDocument) => {
      known.set(policyName, canonicalDocument);
    },
    forget: (policyName) => {
      known.delete(policyName);
    },
  };
}
