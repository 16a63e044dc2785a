/**
 * AWS IoT policy evaluation, pure: parse policy documents, evaluate Connect / Publish /
 * Subscribe / Receive requests for a connection, explain what a policy set allows.
 */
export * from './context.js';
export * from './document.js';
export * from './errors.js';
export * from './evaluate.js';
export * from './explain.js';
export { compilePattern, matchesPattern, renderPattern } from './pattern.js';
