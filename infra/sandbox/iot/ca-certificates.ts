import { arn, type CaCertificateRecord, epochSeconds, type IotRoute, type IotStore } from './model.js';
import { commonName, isIssuedBy, parsePem } from './pem.js';
import { objectMember, optionalString, queryBoolean, requiredString } from './request-fields.js';
import { alreadyExists, invalidRequest, notFound, ServiceError } from './service-error.js';
import { checkCertificateId } from './validation.js';

function getCa(store: IotStore, id: string): CaCertificateRecord {
  checkCertificateId('certificateId', id);
  const ca = store.caCertificates.get(id.toLowerCase());
  if (ca === undefined) throw notFound(`The CA certificate ${id} does not exist`);
  return ca;
}

function describeCa(ca: CaCertificateRecord, store: IotStore): Record<string, unknown> {
  return {
    certificateArn: ca.certificateArn,
    certificateId: ca.certificateId,
    status: ca.status,
    certificatePem: ca.certificatePem,
    ownedBy: store.accountId,
    creationDate: epochSeconds(ca.creationDate),
    autoRegistrationStatus: ca.autoRegistrationStatus,
    lastModifiedDate: epochSeconds(ca.lastModifiedDate),
    customerVersion: ca.customerVersion,
    generationId: ca.generationId,
    validity: { notBefore: epochSeconds(ca.notBefore), notAfter: epochSeconds(ca.notAfter) },
    certificateMode: ca.certificateMode,
  };
}

/** CA certificates: registration with proof of possession, description, updates. */
export const caCertificateRoutes: IotRoute[] = [
  {
    op: 'DescribeCACertificate',
    method: 'GET',
    path: '/cacertificate/{certificateId}',
    resource: (req, store) => arn(store, 'cacert', req.labels.certificateId ?? ''),
    handle: (req, store) => {
      const ca = getCa(store, req.labels.certificateId ?? '');
      return {
        certificateDescription: describeCa(ca, store),
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
