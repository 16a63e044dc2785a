/**
 * An error answered by the sandbox the way an AWS restJson1 service does: HTTP status,
 * `x-amzn-errortype` header, and a JSON body `{ message, ...members }`.
 */
export class ServiceError extends Error {
  constructor(
    readonly errorName: string,
    readonly status: number,
    message: string,
    readonly members: Record<string, string> = {},
  ) {
    super(message);
    this.name = errorName;
  }
}

/** 404 ResourceNotFoundException. */
export function notFound(message: string): ServiceError {
  return new ServiceError('ResourceNotFoundException', 404, message);
}

/** 400 InvalidRequestException. */
export function invalidRequest(message: string): ServiceError {
  return new ServiceError('InvalidRequestException', 400, message);
}

/** 409 ResourceAlreadyExistsException with resourceId and resourceArn. */
export function alreadyExists(message: string, resourceId: string, resourceArn: string): ServiceError {
  return new ServiceError('ResourceAlreadyExistsException', 409, message, { resourceId, resourceArn });
}

/** 406 CertificateStateException. */
export function certificateState(message: string): ServiceError {
  return new ServiceError('CertificateStateException', 406, message);
}

/**
 * The validation message AWS's request validation produces, e.g. `1 validation error
 * detected: Value 'a b' at 'thingName' failed to satisfy constraint: …`.
 */
export function validationError(member: string, value: string, constraint: string): ServiceError {
  return invalidRequest(
    `1 validation error detected: Value '${value}' at '${member}' failed to satisfy constraint: ${constraint}`,
  );
}
