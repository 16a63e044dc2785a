import type { CertificateStatus, IotStore } from './model.js';

/** A certificate as tests and the demo look at it. */
export interface CertificateView {
  certificateId: string;
  certificateArn: string;
  caCertificateId: string | undefined;
  status: CertificateStatus;
  /** Policy names attached to the certificate. */
  policies: string[];
  /** Things the certificate is attached to. */
  things: string[];
}

/** A thing with its memberships and principals. */
export interface ThingView {
  thingName: string;
  thingArn: string;
  thingTypeName: string | undefined;
  attributes: Record<string, string>;
  version: number;
  billingGroupName: string | undefined;
  thingGroups: string[];
  principals: string[];
}

/** Read-only views over the IoT state (copies; mutating them changes nothing). */
export interface IotInspector {
  /** The raw store, for advanced assertions. Treat as read-only. */
  readonly store: IotStore;
  readonly registrationCode: string;
  certificate(certificateId: string): CertificateView | undefined;
  thing(thingName: string): ThingView | undefined;
  policyDocument(policyName: string): string | undefined;
  /** Certificate ids by status. */
  certificatesByStatus(): Record<string, string[]>;
  counts(): { certificates: number; things: number; policies: number; thingGroups: number };
}

export function createInspector(store: IotStore): IotInspector {
  return {
    store,
    registrationCode: store.registrationCode,
    certificate(id) {
      const c = store.certificates.get(id.toLowerCase());
      if (c === undefined) return undefined;
      return {
        certificateId: c.certificateId,
        certificateArn: c.certificateArn,
        caCertificateId: c.caCertificateId,
        status: c.status,
        policies: [...(store.policyTargets.get(c.certificateArn) ?? [])],
        things: [...store.thingPrincipals]
          .filter(([, list]) => list.some((p) => p.principal === c.certificateArn))
          .map(([name]) => name),
      };
    },
    thing(name) {
      const t = store.things.get(name);
      if (t === undefined) return undefined;
      return {
        thingName: t.thingName,
        thingArn: t.thingArn,
        thingTypeName: t.thingTypeName,
        attributes: { ...t.attributes },
        version: t.version,
        billingGroupName: t.billingGroupName,
        thingGroups: [...t.groups],
        principals: (store.thingPrincipals.get(name) ?? []).map((p) => p.principal),
      };
    },
    policyDocument(name) {
      return store.policies.get(name)?.policyDocument;
    },
    certificatesByStatus() {
      const out: Record<string, string[]> = {};
      for (const c of store.certificates.values())
        out[c.status] = [...(out[c.status] ?? []), c.certificateId];
      return out;
    },
    counts() {
      return {
        certificates: store.certificates.size,
        things: store.things.size,
        policies: store.policies.size,
        thingGroups: store.thingGroups.size,
      };
    },
  };
}
