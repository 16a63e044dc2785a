import {
  arn,
  type CaCertificateRecord,
  type CertificateRecord,
  type CertificateStatus,
  epochSeconds,
  type IotRoute,
  type IotStore,
} from './model.js';
import { isIssuedBy, parsePem } from './pem.js';
import { optionalString, paginate, queryBoolean, requiredString } from './request-fields.js';
import { alreadyExists, certificateState, invalidRequest, notFound, ServiceError } from './service-error.js';
import { checkCertificateId } from './validation.js';

const STATUSES: readonly CertificateStatus[] = [
  'ACTIVE',
  'INACTIVE',
  'REVOKED',
  'PENDING_TRANSFER',
  'REGISTER_INACTIVE',
  'PENDING_ACTIVATION',
];

function getCertificate(store: IotStore, id: string): CertificateRecord {
  checkCertificateId('certificateId', id);
  const cert = store.certificates.get(id.toLowerCase());
  if (cert === undefined) throw notFound(`The certificate ${id} does not exist`);
  return cert;
}

function describe(cert: CertificateRecord, store: IotStore): Record<string, unknown> {
  return {
    certificateArn: cert.certificateArn,
    certificateId: cert.certificateId,
    ...(cert.caCertificateId === undefined ? {} : { caCertificateId: cert.caCertificateId }),
    status: cert.status,
    certificatePem: cert.certificatePem,
    ownedBy: store.accountId,
    creationDate: epochSeconds(cert.creationDate),
    lastModifiedDate: epochSeconds(cert.lastModifiedDate),
    customerVersion: cert.customerVersion,
    generationId: cert.generationId,
    validity: { notBefore: epochSeconds(cert.notBefore), notAfter: epochSeconds(cert.notAfter) },
    certificateMode: cert.certificateMode,
  };
}

function summary(cert: CertificateRecord): Record<string, unknown> {
  return {
    certificateArn: cert.certificateArn,
    certificateId: cert.certificateId,
    status: cert.status,
    certificateMode: cert.certificateMode,
    creationDate: epochSeconds(cert.creationDate),
  };
}

/** Finds the registered CA whose subject and key issued this certificate. */
export function findIssuingCa(store: IotStore, certificatePem: string): CaCertificateRecord | undefined {
  const cert = parsePem(certificatePem, 'certificatePem').x509;
  for (const ca of store.caCertificates.values()) {
    if (isIssuedBy(cert, parsePem(ca.certificatePem, 'caCertificate').x509)) return ca;
  }
  return undefined;
}

/** Registers a device certificate (RegisterCertificate and auto-registration share this). */
export function registerCertificate(
  store: IotStore,
  certificatePem: string,
  status: CertificateStatus,
  caCertificateId: string | undefined,
): CertificateRecord {
  const parsed = parsePem(certificatePem, 'certificatePem');
  const existing = store.certificates.get(parsed.id);
  if (existing !== undefined) {
    throw alreadyExists(
      'The certificate is already provisioned or registered',
      parsed.id,
      existing.certificateArn,
    );
  }
  const now = store.now();
  const record: CertificateRecord = {
    certificateId: parsed.id,
    certificateArn: arn(store, 'cert', parsed.id),
    caCertificateId,
    status,
    certificatePem,
    creationDate: now,
    lastModifiedDate: now,
    customerVersion: 1,
    generationId: crypto.randomUUID(),
    notBefore: parsed.notBefore,
    notAfter: parsed.notAfter,
    certificateMode: 'DEFAULT',
  };
  store.certificates.set(parsed.id, record);
  return record;
}

function parseStatus(value: string | undefined, member: string): CertificateStatus {
  const status = STATUSES.find((s) => s === value);
  if (status === undefined) {
    throw invalidRequest(
      `1 validation error detected: Value '${value}' at '${member}' failed to satisfy constraint: Member must satisfy enum value set: [${STATUSES.join(', ')}]`,
    );
  }
  return status;
}

export const certificateRoutes: IotRoute[] = [
  {
    op: 'DescribeCertificate',
    method: 'GET',
    path: '/certificates/{certificateId}',
    resource: (req, store) => arn(store, 'cert', req.labels.certificateId ?? ''),
    handle: (req, store) => ({
      certificateDescription: describe(getCertificate(store, req.labels.certificateId ?? ''), store),
    }),
  },
  {
    op: 'UpdateCertificate',
    method: 'PUT',
    path: '/certificates/{certificateId}',
    resource: (req, store) => arn(store, 'cert', req.labels.certificateId ?? ''),
    handle: (req, store) => {
      const cert = getCertificate(store, req.labels.certificateId ?? '');
      const target = parseStatus(req.query.get('newStatus') ?? undefined, 'newStatus');
      if (target === 'PENDING_ACTIVATION' || target === 'PENDING_TRANSFER') {
        throw certificateState(`The certificate status cannot be set to ${target}`);
      }
      if (cert.status === 'REVOKED' && target !== 'REVOKED') {
        throw certificateState('The certificate is revoked and its status cannot be changed');
      }
      if (cert.status === 'PENDING_TRANSFER') {
        throw certificateState('The certificate is pending transfer and its status cannot be changed');
      }
      if (cert.status !== target) {
        cert.status = target;
        cert.lastModifiedDate = store.now();
        cert.customerVersion += 1;
      }
      return undefined;
    },
  },
  {
    op: 'ListCertificatesByCA',
    method: 'GET',
    path: '/certificates-by-ca/{caCertificateId}',
    resource: (req, store) => arn(store, 'cacert', req.labels.caCertificateId ?? ''),
    handle: (req, store) => {
      const caId = (req.labels.caCertificateId ?? '').toLowerCase();
      checkCertificateId('caCertificateId', caId);
      const all = [...store.certificates.values()].filter((c) => c.caCertificateId === caId);
      if (queryBoolean(req, 'isAscendingOrder') !== true) all.reverse();
      const { page, next } = paginate(all, req.query.get('marker'), req.query.get('pageSize'));
      return { certificates: page.map(summary), ...(next === undefined ? {} : { nextMarker: next }) };
    },
  },
  {
    op: 'RegisterCertificate',
    method: 'POST',
    path: '/certificate/register',
    handle: (req, store) => {
      const pem = requiredString(req, 'certificatePem');
      const caPem = optionalString(req, 'caCertificatePem');
      const statusText = optionalString(req, 'status');
      const status: CertificateStatus =
        statusText !== undefined
          ? parseStatus(statusText, 'status')
          : queryBoolean(req, 'setAsActive') === true
            ? 'ACTIVE'
            : 'INACTIVE';
      let caId: string | undefined;
      if (caPem !== undefined) {
        caId = parsePem(caPem, 'caCertificatePem').id;
        if (!store.caCertificates.has(caId)) throw notFound('The CA certificate is not registered');
      } else {
        caId = findIssuingCa(store, pem)?.certificateId;
      }
      if (caId === undefined) {
        throw new ServiceError(
          'CertificateValidationException',
          400,
          'No registered CA certificate issued this certificate',
        );
      }
      const cert = registerCertificate(store, pem, status, caId);
      return { certificateArn: cert.certificateArn, certificateId: cert.certificateId };
    },
  },
];
