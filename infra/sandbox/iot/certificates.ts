import {
  arn,
  type CaCertificateRecord,
  type CertificateRecord,
  type CertificateStatus,
  epochSeconds,
  type IotRoute,
  type IotStore,
} from './model.js';
import { commonName, isIssuedBy, parsePem } from './pem.js';
import { objectMember, optionalString, paginate, queryBoolean, requiredString } from './request-fields.js';
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

function getCa(store: IotStore, id: string): CaCertificateRecord {
  checkCertificateId('certificateId', id);
  const ca = store.caCertificates.get(id.toLowerCase());
  if (ca === undefined) throw notFound(`The CA certificate ${id} does not exist`);
  return ca;
}

function describe(cert: CertificateRecord): Record<string, unknown> {
  return {
    certificateArn: cert.certificateArn,
    certificateId: cert.certificateId,
    ...(cert.caCertificateId === undefined ? {} : { caCertificateId: cert.caCertificateId }),
    status: cert.status,
    certificatePem: cert.certificatePem,
    ownedBy: '',
    creationDate: epochSeconds(cert.creationDate),
    lastModifiedDate: epochSeconds(cert.lastModifiedDate),
    customerVersion: cert.customerVersion,
    generationId: cert.generationId,
    validity: { notBefore: epochSeconds(cert.notBefore), notAfter: epochSeconds(cert.notAfter) },
    certificateMode: cert.certificateMode,
  };
}

function describeCa(ca: CaCertificateRecord): Record<string, unknown> {
  return {
    certificateArn: ca.certificateArn,
    certificateId: ca.certificateId,
    status: ca.status,
    certificatePem: ca.certificatePem,
    ownedBy: '',
    creationDate: epochSeconds(ca.creationDate),
    autoRegistrationStatus: ca.autoRegistrationStatus,
    lastModifiedDate: epochSeconds(ca.lastModifiedDate),
    customerVersion: ca.customerVersion,
    generationId: ca.generationId,
    validity: { notBefore: epochSeconds(ca.notBefore), notAfter: epochSeconds(ca.notAfter) },
    certificateMode: ca.certificateMode,
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
      certificateDescription: describe(getCertificate(store, req.labels.certificateId ?? '')),
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
    op: 'ListCertificates',
    method: 'GET',
    path: '/certificates',
    handle: (req, store) => {
      const all = [...store.certificates.values()];
      if (queryBoolean(req, 'isAscendingOrder') !== true) all.reverse();
      const { page, next } = paginate(all, req.query.get('marker'), req.query.get('pageSize'));
      return { certificates: page.map(summary), ...(next === undefined ? {} : { nextMarker: next }) };
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
  {
    op: 'DescribeCACertificate',
    method: 'GET',
    path: '/cacertificate/{certificateId}',
    resource: (req, store) => arn(store, 'cacert', req.labels.certificateId ?? ''),
    handle: (req, store) => {
      const ca = getCa(store, req.labels.certificateId ?? '');
      return {
        certificateDescription: describeCa(ca),
        ...(ca.registrationConfig === undefined ? {} : { registrationConfig: ca.registrationConfig }),
      };
    },
  },
  {
    op: 'RegisterCACertificate',
    method: 'POST',
    path: '/cacertificate',
    handle: (req, store) => {
      const parsed = parsePem(requiredString(req, 'caCertificate'), 'caCertificate');
      const mode = optionalString(req, 'certificateMode') === 'SNI_ONLY' ? 'SNI_ONLY' : 'DEFAULT';
      if (!parsed.x509.ca)
        throw new ServiceError(
          'CertificateValidationException',
          400,
          'The certificate is not a CA certificate',
        );
      if (mode === 'DEFAULT') {
        const verification = parsePem(
          requiredString(req, 'verificationCertificate'),
          'verificationCertificate',
        );
        if (
          !isIssuedBy(verification.x509, parsed.x509) ||
          commonName(verification.x509) !== store.registrationCode
        ) {
          throw new ServiceError(
            'CertificateValidationException',
            400,
            'The verification certificate is not signed by the CA or its common name is not the registration code',
          );
        }
      }
      const existing = store.caCertificates.get(parsed.id);
      if (existing !== undefined) {
        throw alreadyExists('The CA certificate is already registered', parsed.id, existing.certificateArn);
      }
      const now = store.now();
      const config = objectMember(req, 'registrationConfig');
      const record: CaCertificateRecord = {
        certificateId: parsed.id,
        certificateArn: arn(store, 'cacert', parsed.id),
        status: queryBoolean(req, 'setAsActive') === true ? 'ACTIVE' : 'INACTIVE',
        certificatePem: requiredString(req, 'caCertificate'),
        autoRegistrationStatus: queryBoolean(req, 'allowAutoRegistration') === true ? 'ENABLE' : 'DISABLE',
        registrationConfig:
          config === undefined ? undefined : { ...(config as CaCertificateRecord['registrationConfig']) },
        creationDate: now,
        lastModifiedDate: now,
        customerVersion: 1,
        generationId: crypto.randomUUID(),
        notBefore: parsed.notBefore,
        notAfter: parsed.notAfter,
        certificateMode: mode,
      };
      store.caCertificates.set(parsed.id, record);
      return { certificateArn: record.certificateArn, certificateId: record.certificateId };
    },
  },
  {
    op: 'UpdateCACertificate',
    method: 'PUT',
    path: '/cacertificate/{certificateId}',
    resource: (req, store) => arn(store, 'cacert', req.labels.certificateId ?? ''),
    handle: (req, store) => {
      const ca = getCa(store, req.labels.certificateId ?? '');
      const status = req.query.get('newStatus');
      const auto = req.query.get('newAutoRegistrationStatus');
      if (status !== null && status !== 'ACTIVE' && status !== 'INACTIVE') {
        throw invalidRequest(`Invalid newStatus ${status}`);
      }
      if (auto !== null && auto !== 'ENABLE' && auto !== 'DISABLE') {
        throw invalidRequest(`Invalid newAutoRegistrationStatus ${auto}`);
      }
      if (status !== null) ca.status = status;
      if (auto !== null) ca.autoRegistrationStatus = auto;
      const config = objectMember(req, 'registrationConfig');
      if (config !== undefined)
        ca.registrationConfig = { ...(config as CaCertificateRecord['registrationConfig']) };
      if (req.body.removeAutoRegistration === true) ca.registrationConfig = undefined;
      ca.lastModifiedDate = store.now();
      ca.customerVersion += 1;
      return undefined;
    },
  },
  {
    op: 'GetRegistrationCode',
    method: 'GET',
    path: '/registrationcode',
    handle: (_req, store) => ({ registrationCode: store.registrationCode }),
  },
];
