// AWS IoT errors as the SDK throws them, for the adapter's tests (aws-sdk-client-mock). Use-case
// tests go through the port instead (test/helpers/fake-iot-registry.ts).
import { IoTServiceException, ResourceNotFoundException } from '@aws-sdk/client-iot';

export function notFound(message: string): ResourceNotFoundException {
  return new ResourceNotFoundException({ message, $metadata: { httpStatusCode: 404 } });
}

/** An AWS error the IoT model does not define (AccessDeniedException, …), as the SDK builds it. */
export function awsError(
  name: string,
  httpStatusCode: number,
  message: string,
  fault: 'client' | 'server' = 'client',
) {
  return new IoTServiceException({ name, $fault: fault, message, $metadata: { httpStatusCode } });
}
