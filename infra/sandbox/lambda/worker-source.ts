/**
 * The code each "container" (worker thread) runs, as CommonJS source evaluated by
 * `new Worker(source, { eval: true })` — so it needs no TypeScript loader in the worker.
 * It captures stdout/stderr per invocation, loads the bundle once (the cold start), and
 * answers `invoke` messages the way the Node.js runtime does, including the error payload
 * `{ errorType, errorMessage, trace }` for a thrown error.
 */
export const WORKER_SOURCE = String.raw`
const { parentPort, workerData } = require('node:worker_threads');
let current = null;
for (const stream of ['stdout', 'stderr']) {
  process[stream].write = (chunk, encoding, cb) => {
    const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    parentPort.postMessage({ type: 'log', id: current, stream, text });
    if (typeof encoding === 'function') encoding();
    else if (typeof cb === 'function') cb();
    return true;
  };
}
function toPayload(error) {
  if (error instanceof Error) {
    return {
      errorType: error.name || 'Error',
      errorMessage: error.message,
      trace: typeof error.stack === 'string' ? error.stack.split('\n') : [],
    };
  }
  return { errorType: typeof error, errorMessage: String(error), trace: [] };
}
let handler = null;
let initError = null;
const started = Date.now();
try {
  const mod = require(workerData.bundle);
  handler = mod[workerData.handlerName];
  if (typeof handler !== 'function') {
    const e = new Error(workerData.bundle + ' does not export a function named ' + workerData.handlerName);
    e.name = 'Runtime.HandlerNotFound';
    throw e;
  }
} catch (error) {
  initError = toPayload(error);
}
parentPort.postMessage({ type: 'ready', initMs: Date.now() - started, initError });
parentPort.on('message', async (msg) => {
  if (msg.type !== 'invoke') return;
  current = msg.id;
  if (initError !== null) {
    parentPort.postMessage({ type: 'result', id: msg.id, ok: false, error: initError });
    return;
  }
  const c = msg.context;
  const context = {
    ...c,
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => Math.max(0, c.deadlineMs - Date.now()),
  };
  try {
    const value = await new Promise((resolve, reject) => {
      const maybe = handler(msg.event, context, (err, val) => (err ? reject(err) : resolve(val)));
      if (maybe && typeof maybe.then === 'function') maybe.then(resolve, reject);
      else if (handler.length < 3) resolve(maybe);
    });
    parentPort.postMessage({ type: 'result', id: msg.id, ok: true, value: value === undefined ? null : value });
  } catch (error) {
    parentPort.postMessage({ type: 'result', id: msg.id, ok: false, error: toPayload(error) });
  }
});
`;
