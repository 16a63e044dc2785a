import type { IotRequest } from './model.js';
import { invalidRequest } from './service-error.js';

/** A required string member from the body, label or query (in that order). */
export function requiredString(req: IotRequest, name: string): string {
  const value = optionalString(req, name);
  if (value === undefined || value === '') {
    throw invalidRequest(
      `1 validation error detected: Value null at '${name}' failed to satisfy constraint: Member must not be null`,
    );
  }
  return value;
}

export function optionalString(req: IotRequest, name: string): string | undefined {
  const fromBody = req.body[name];
  if (typeof fromBody === 'string') return fromBody;
  if (fromBody !== undefined && fromBody !== null) throw invalidRequest(`Member ${name} must be a string`);
  return req.labels[name] ?? req.query.get(name) ?? undefined;
}

export function queryBoolean(req: IotRequest, name: string): boolean | undefined {
  const value = req.query.get(name);
  if (value === null) return undefined;
  return value === 'true';
}

export function bodyBoolean(req: IotRequest, name: string): boolean | undefined {
  const value = req.body[name];
  return typeof value === 'boolean' ? value : undefined;
}

/** A string map (e.g. `attributePayload.attributes`); rejects non-string values. */
export function stringMap(value: unknown, member: string): Record<string, string> {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value))
    throw invalidRequest(`Member ${member} must be a map`);
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(value)) {
    if (typeof v !== 'string') throw invalidRequest(`Member ${member}.${k} must be a string`);
    out[k] = v;
  }
  return out;
}

export function objectMember(req: IotRequest, name: string): Record<string, unknown> | undefined {
  const value = req.body[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value))
    throw invalidRequest(`Member ${name} must be a structure`);
  return value as Record<string, unknown>;
}

/** Simple opaque pagination over an already ordered list. */
export function paginate<T>(
  items: T[],
  token: string | undefined | null,
  size: string | null | undefined,
  defaultSize = 250,
): { page: T[]; next: string | undefined } {
  const start = token ? Number.parseInt(Buffer.from(token, 'base64url').toString('utf8'), 10) : 0;
  if (!Number.isInteger(start) || start < 0) throw invalidRequest('Invalid pagination token');
  const n = size ? Number.parseInt(size, 10) : defaultSize;
  if (!Number.isInteger(n) || n < 1 || n > 250) throw invalidRequest('Page size must be between 1 and 250');
  const page = items.slice(start, start + n);
  const end = start + n;
  return { page, next: end < items.length ? Buffer.from(String(end)).toString('base64url') : undefined };
}
