/** The {@link CertificateStatusReader} port over the project's IoT port (DescribeCertificate). */
import type { IotRegistry } from '../../provisioning/iot-registry.js';
import type { CertificateStatusReader } from './ports.js';

/** Whether `error` is the IoT port's "certificate does not exist" (matched by stable code). */
function isCertificateNotFound(error: unknown): boolean {
  return (
    typeof error === 'object' &&
    error !== null &&
    (error as { code?: unknown }).code === 'CertificateNotFound'
  );
}

/**
 * Reads certificate statuses through an {@link IotRegistry}; a deleted certificate reads as null.
 *
 * @example const reader = registryStatusReader(await cli.aws(region).iotRegistry());
 */
export function registryStatusReader(iot: Pick<IotRegistry, 'describeCertificate'>): CertificateStatusReader {
  return {
    async status(certificateId) {
      try {
        return (await iot.describeCertificate(certificateId)).status;
      } catch (error) {
        if (isCertificateNotFound(error)) return null;
        throw error;
      }
    },
  };
}
