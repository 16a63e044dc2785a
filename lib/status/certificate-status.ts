/**
 * Use case behind `jitr status <certificateId>`: everything that says why a device is (not)
 * online, read in parallel where the reads are independent.
 *
 * Primary course:
 *  1. DescribeCertificate and the ledger record, together.
 *  2. The things and policies attached to the certificate, together; then each thing's groups.
 *  3. `diagnose`: the verdict and what to do next.
 * A read that fails is reported in `unreadable` with its code and remedy, and the report is
 * never `online` for a part it could not read.
 */
import { isJitrError } from '../errors/jitr-error.js';
import type { LedgerReader } from '../ledger/ports.js';
import type { LedgerRecord } from '../ledger/record.js';
import type { CertificateDescription, IotRegistry } from '../provisioning/iot-registry.js';
import { type Diagnosis, diagnose } from './diagnose.js';

export type StatusIot = Pick<
  IotRegistry,
  'describeCertificate' | 'listPrincipalThings' | 'listAttachedPolicies' | 'listThingGroupsForThing'
>;

export interface StatusDeps {
  iot: StatusIot;
  /** null: no ledger table configured. */
  ledger: LedgerReader | null;
}

export interface UnreadablePart {
  part: 'certificate' | 'ledger' | 'things' | 'policies' | 'groups';
  code: string;
  message: string;
  remedy: string | null;
}

export interface CertificateStatusReport {
  certificateId: string;
  certificate: {
    status: string;
    caCertificateId: string | null;
    certificateArn: string;
    creationDate: string | null;
  } | null;
  things: { thingName: string; groups: string[] | null }[] | null;
  policies: string[] | null;
  /** `not-configured` when no table is set; null when the ledger has no record. */
  ledger: LedgerRecord | null | 'not-configured';
  diagnosis: Diagnosis;
  unreadable: UnreadablePart[];
}

async function attempt<T>(
  part: UnreadablePart['part'],
  unreadable: UnreadablePart[],
  read: () => Promise<T>,
) {
  try {
    return { ok: true as const, value: await read() };
  } catch (error) {
    unreadable.push({
      part,
      code: isJitrError(error) ? error.code : 'UnexpectedError',
      message: error instanceof Error ? error.message : String(error),
      remedy: isJitrError(error) ? error.remedy : null,
    });
    return { ok: false as const };
  }
}

/**
 * @example
 * const report = await certificateStatus({ iot, ledger }, certificateId);
 * if (!report.diagnosis.online) process.exitCode = 1;
 */
export async function certificateStatus(
  deps: StatusDeps,
  certificateId: string,
): Promise<CertificateStatusReport> {
  const id = certificateId.toLowerCase();
  const unreadable: UnreadablePart[] = [];
  const [described, recorded] = await Promise.all([
    attempt('certificate', unreadable, async (): Promise<CertificateDescription | null> => {
      try {
        return await deps.iot.describeCertificate(id);
      } catch (error) {
        if (isJitrError(error) && error.code === 'CertificateNotFound') return null;
        throw error;
      }
    }),
    deps.ledger === null ? null : attempt('ledger', unreadable, () => (deps.ledger as LedgerReader).get(id)),
  ]);
  const certificate = described.ok ? described.value : undefined;
  let things: { thingName: string; groups: string[] | undefined }[] | undefined;
  let policies: string[] | undefined;
  if (certificate) {
    const [thingNames, attached] = await Promise.all([
      attempt('things', unreadable, () => deps.iot.listPrincipalThings(certificate.certificateArn)),
      attempt('policies', unreadable, () => deps.iot.listAttachedPolicies(certificate.certificateArn)),
    ]);
    policies = attached.ok ? attached.value : undefined;
    if (thingNames.ok) {
      things = await Promise.all(
        thingNames.value.map(async (thingName) => {
          const groups = await attempt('groups', unreadable, () =>
            deps.iot.listThingGroupsForThing(thingName),
          );
          return { thingName, groups: groups.ok ? groups.value : undefined };
        }),
      );
    }
  }
  const ledger = recorded === null ? undefined : recorded.ok ? recorded.value : undefined;
  const diagnosis = diagnose({
    certificateId: id,
    status: certificate === undefined ? undefined : (certificate?.status ?? null),
    caCertificateId: certificate?.caCertificateId ?? ledger?.caCertificateId ?? null,
    things,
    policies,
    ledger,
  });
  return {
    certificateId: id,
    certificate:
      certificate == null
        ? null
        : {
            status: certificate.status,
            caCertificateId: certificate.caCertificateId,
            certificateArn: certificate.certificateArn,
            creationDate: certificate.creationDate?.toISOString() ?? null,
          },
    things: things?.map((t) => ({ thingName: t.thingName, groups: t.groups ?? null })) ?? null,
    policies: policies ?? null,
    ledger: deps.ledger === null ? 'not-configured' : (ledger ?? null),
    diagnosis: unreadable.length > 0 ? { ...diagnosis, online: false } : diagnosis,
    unreadable,
  };
}
