// Error types of the template area (see lib/errors.ts for the model).
export {};
