/**
 * The error model shared by every part of the handler and the CLI.
 *
 * Every failure is a {@link JitrError} subclass with a stable `code` (never reworded once
 * released), the `step` it happened in, its `outcome` class, a one-line `remedy`, and, when
 * AWS answered, the AWS error name. Domain modules define their own subclasses next to the
 * code that throws them; this module re-exports all of them so callers import from one place.
 */

// biome-ignore-all assist/source/organizeImports: the base class must be evaluated before the area modules that extend it.
export * from './errors/jitr-error.js';
export * from './certificate/errors.js';
export * from './crl/errors.js';
export * from './crl/store-errors.js';
export * from './operations/errors.js';
export * from './provisioning/errors.js';
export * from './config/errors.js';
export * from './registration/errors.js';
export * from './template/errors.js';
export * from './policy/errors.js';
