import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Faults } from '../faults.js';
import { delay, readBody, sendJson } from '../http.js';
import { caCertificateRoutes } from './ca-certificates.js';
import { certificateRoutes } from './certificates.js';
import { extraRoutes } from './extras.js';
import { groupRoutes } from './groups.js';
import type { IotRequest, IotRoute, IotStore } from './model.js';
import { policyRoutes } from './policies.js';
import { invalidRequest, ServiceError } from './service-error.js';
import { thingRoutes } from './things.js';

/** Every operation the sandbox's IoT control plane implements. */
export const IOT_ROUTES: readonly IotRoute[] = [
  ...certificateRoutes,
  ...caCertificateRoutes,
  ...thingRoutes,
  ...groupRoutes,
  ...policyRoutes,
  ...extraRoutes,
];

interface CompiledRoute {
  route: IotRoute;
  segments: string[];
}

const compiled: CompiledRoute[] = IOT_ROUTES.map((route) => ({
  route,
  segments: route.path.split('/').slice(1),
}));

/** Matches method + path against the model's URI templates; labels are URI-decoded. */
export function matchRoute(
  method: string,
  pathname: string,
): { route: IotRoute; labels: Record<string, string> } | undefined {
  const parts = pathname.split('/').slice(1);
  for (const { route, segments } of compiled) {
    if (route.method !== method || segments.length !== parts.length) continue;
    const labels: Record<string, string> = {};
    let ok = true;
    for (let i = 0; i < segments.length && ok; i += 1) {
      const seg = segments[i] ?? '';
      const part = parts[i] ?? '';
      if (seg.startsWith('{')) {
        if (part === '') ok = false;
        else labels[seg.slice(1, -1)] = decodeURIComponent(part);
      } else if (seg !== part) ok = false;
    }
    if (ok) return { route, labels };
  }
  return undefined;
}

function sendError(res: ServerResponse, error: ServiceError): void {
  sendJson(
    res,
    error.status,
    { message: error.message, ...error.members },
    { 'x-amzn-errortype': error.errorName },
  );
}

async function handle(
  req: IncomingMessage,
  res: ServerResponse,
  store: IotStore,
  faults: Faults,
): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://sandbox');
  const method = req.method ?? 'GET';
  const match = matchRoute(method, url.pathname);
  const text = await readBody(req);
  if (match === undefined) {
    // What the AWS service framework answers when no operation claims the request.
    sendError(
      res,
      new ServiceError('UnknownOperationException', 404, `Unknown operation ${method} ${url.pathname}`),
    );
    return;
  }
  let body: Record<string, unknown> = {};
  if (text.trim() !== '') {
    try {
      const parsed: unknown = JSON.parse(text);
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
        throw new Error('not an object');
      body = parsed as Record<string, unknown>;
    } catch {
      sendError(
        res,
        new ServiceError('SerializationException', 400, 'The request body is not a JSON object'),
      );
      return;
    }
  }
  const request: IotRequest = { labels: match.labels, query: url.searchParams, headers: req.headers, body };
  const { route } = match;
  let resource = '*';
  try {
    resource = route.resource?.(request, store) ?? '*';
  } catch {
    resource = '*';
  }
  const decision = faults.decide('iot', route.op, resource);
  faults.requests.note('iot', route.op, res);
  await delay(decision.latencyMs);
  switch (decision.kind) {
    case 'deny':
      sendError(res, new ServiceError('AccessDeniedException', 403, decision.message));
      return;
    case 'throttle':
      sendError(res, new ServiceError('ThrottlingException', 400, 'Rate exceeded'));
      return;
    case 'error':
      sendError(
        res,
        decision.status === 500
          ? new ServiceError('InternalFailureException', 500, 'An unexpected error has occurred.')
          : new ServiceError('ServiceUnavailableException', 503, 'The service is temporarily unavailable.'),
      );
      return;
    default:
      break;
  }
  try {
    const output = route.handle(request, store);
    sendJson(res, 200, output ?? undefined);
  } catch (error) {
    if (error instanceof ServiceError) sendError(res, error);
    else if (error instanceof URIError) sendError(res, invalidRequest('Malformed URI label'));
    else sendError(res, new ServiceError('InternalFailureException', 500, String(error)));
  }
}

/** An HTTP server speaking the IoT control plane's restJson1 protocol over `store`. */
export function createIotServer(store: IotStore, faults: Faults): Server {
  return createServer((req, res) => {
    handle(req, res, store, faults).catch((error: unknown) => {
      if (!res.headersSent) sendError(res, new ServiceError('InternalFailureException', 500, String(error)));
    });
  });
}
