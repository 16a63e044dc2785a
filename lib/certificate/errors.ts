// Error types of the certificate area (see lib/errors.ts for the model).
export {};
