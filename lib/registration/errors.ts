// Error types of the registration area (see lib/errors.ts for the model).
export {};
