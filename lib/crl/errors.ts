// Error types of the crl area (see lib/errors.ts for the model).
export {};
