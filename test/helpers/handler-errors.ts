// Every error module of the handler's areas, for tests that check a property of all error
// classes (lib/ has no barrel: each area owns its errors, see lib/errors/jitr-error.ts).
export * from '../../lib/certificate/errors.js';
export * from '../../lib/config/errors.js';
export * from '../../lib/crl/errors.js';
export * from '../../lib/crl/store-errors.js';
export * from '../../lib/errors/jitr-error.js';
export * from '../../lib/operations/errors.js';
export * from '../../lib/policy/errors.js';
export * from '../../lib/provisioning/errors.js';
export * from '../../lib/registration/errors.js';
export * from '../../lib/template/errors.js';
export * from '../../lib/template-source/errors.js';
