import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { lambdaFunctionName } from '../../../lib/arn/arn.js';
import { readBody, sendJson } from '../http.js';
import { InvokeThrottledError, type SandboxFunction } from './function.js';

const INVOKE = /^\/2015-03-31\/functions\/([^/]+)\/invocations$/;
const CONFIGURATION = /^\/2015-03-31\/functions\/([^/]+)\/configuration$/;
const MAPPINGS = /^\/2015-03-31\/event-source-mappings\/?$/;

function lambdaError(res: ServerResponse, status: number, name: string, message: string): void {
  sendJson(res, status, { Type: 'User', Message: message }, { 'x-amzn-errortype': name });
}

/** The function named by a path label: a name, a function ARN, or an ARN with `:$LATEST`. */
function resolveName(label: string): string {
  return lambdaFunctionName(decodeURIComponent(label));
}

/**
 * ListEventSourceMappings over the mappings the sandbox runs (one SQS mapping per function at
 * most), filtered by FunctionName and EventSourceArn; one page (no Marker).
 */
function listEventSourceMappings(query: URLSearchParams, functions: SandboxFunction[]) {
  const label = query.get('FunctionName');
  const name = label === null ? null : resolveName(label);
  const source = query.get('EventSourceArn');
  const mappings = functions.flatMap((fn) =>
    fn.eventSource !== undefined &&
    (name === null || fn.name === name) &&
    (source === null || fn.eventSource.queue.arn === source)
      ? [fn.eventSource.configuration(fn.arn)]
      : [],
  );
  return { EventSourceMappings: mappings };
}

async function handle(
  req: IncomingMessage,
  res: ServerResponse,
  functions: () => SandboxFunction[],
): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://sandbox');
  const text = await readBody(req);
  if (req.method === 'GET' && MAPPINGS.test(url.pathname)) {
    sendJson(res, 200, listEventSourceMappings(url.searchParams, functions()));
    return;
  }
  const invoke = req.method === 'POST' ? INVOKE.exec(url.pathname) : null;
  const config = req.method === 'GET' ? CONFIGURATION.exec(url.pathname) : null;
  const label = invoke?.[1] ?? config?.[1];
  if (label === undefined) {
    lambdaError(res, 404, 'UnknownOperationException', `Unknown operation ${req.method} ${url.pathname}`);
    return;
  }
  const name = resolveName(label);
  const fn = functions().find((f) => f.name === name);
  if (fn === undefined) {
    lambdaError(res, 404, 'ResourceNotFoundException', `Function not found: ${name}`);
    return;
  }
  if (config !== null) {
    sendJson(res, 200, fn.configuration());
    return;
  }
  let event: unknown;
  try {
    event = text === '' ? {} : JSON.parse(text);
  } catch {
    lambdaError(res, 400, 'InvalidRequestContentException', 'Could not parse request body into json');
    return;
  }
  const type = req.headers['x-amz-invocation-type'] ?? 'RequestResponse';
  if (type === 'Event') {
    fn.invokeAsync(event);
    res.writeHead(202, { 'content-length': '0' }).end();
    return;
  }
  if (type === 'DryRun') {
    res.writeHead(204, { 'content-length': '0' }).end();
    return;
  }
  let outcome: Awaited<ReturnType<SandboxFunction['invoke']>>;
  try {
    outcome = await fn.invoke(event);
  } catch (error) {
    if (!(error instanceof InvokeThrottledError)) throw error;
    // As Lambda answers a synchronous invoke at the concurrency limit (the function did not run).
    sendJson(
      res,
      429,
      { Reason: error.reason, Type: 'User', message: error.message },
      { 'x-amzn-errortype': 'TooManyRequestsException' },
    );
    return;
  }
  const payload = JSON.stringify(outcome.ok ? outcome.value : outcome.error);
  res.writeHead(200, {
    'content-type': 'application/json',
    'content-length': String(Buffer.byteLength(payload)),
    'x-amz-executed-version': '$LATEST',
    ...(outcome.ok ? {} : { 'x-amz-function-error': 'Unhandled' }),
  });
  res.end(payload);
}

/**
 * Lambda's Invoke, GetFunctionConfiguration and ListEventSourceMappings (restJson1) over the
 * deployed functions.
 */
export function createLambdaServer(functions: () => SandboxFunction[]): Server {
  return createServer((req, res) => {
    handle(req, res, functions).catch((error: unknown) => {
      if (!res.headersSent) lambdaError(res, 500, 'ServiceException', String(error));
    });
  });
}
