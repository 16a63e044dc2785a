// Error types of the operations area (see lib/errors.ts for the model).
export {};
