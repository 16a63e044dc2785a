// Error types of the provisioning area (see lib/errors.ts for the model).
export {};
