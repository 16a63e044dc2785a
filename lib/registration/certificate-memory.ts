/**
 * What one warm container knows about certificates without asking the registration-state
 * table: those it is registering right now and those whose outcome it saw settled (its own, or
 * a batch read's). A copy of an event for such a certificate never takes the fast path (it
 * would pay a DescribeCertificate the claim then wastes). Bounded: the oldest settled ids are
 * forgotten first. Built once per container by the composition root.
 */
export interface CertificateMemory {
  /** The certificate is being registered in this container, or its outcome is known settled. */
  knows(certificateId: string): boolean;
  /** A registration of the certificate starts here. */
  begin(certificateId: string): void;
  /** That registration ended; `settled`: its outcome is final. */
  end(certificateId: string, settled: boolean): void;
  /** The certificate's outcome is known settled (e.g. from a batch read of the table). */
  settled(certificateId: string): void;
}

/** Settled ids kept per container by default (≈ 100 bytes each). */
export const DEFAULT_SETTLED_CAPACITY = 10_000;

/** @example const memory = createCertificateMemory(); */
export function createCertificateMemory(capacity = DEFAULT_SETTLED_CAPACITY): CertificateMemory {
  const inFlight = new Map<string, number>();
  // Insertion-ordered: the first key is the oldest.
  const settledIds = new Set<string>();
  const key = (certificateId: string) => certificateId.toLowerCase();
  const remember = (id: string) => {
    settledIds.delete(id);
    settledIds.add(id);
    while (settledIds.size > capacity) {
      const oldest = settledIds.values().next().value;
      if (oldest === undefined) break;
      settledIds.delete(oldest);
    }
  };
  return {
    knows: (certificateId) => inFlight.has(key(certificateId)) || settledIds.has(key(certificateId)),
    begin(certificateId) {
      const id = key(certificateId);
      inFlight.set(id, (inFlight.get(id) ?? 0) + 1);
    },
    end(certificateId, settled) {
      const id = key(certificateId);
      const left = (inFlight.get(id) ?? 1) - 1;
      if (left > 0) inFlight.set(id, left);
      else inFlight.delete(id);
      if (settled) remember(id);
    },
    settled: (certificateId) => remember(key(certificateId)),
  };
}
