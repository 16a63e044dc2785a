import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Faults } from '../faults.js';
import { delay, readBody, sendJson } from '../http.js';
import { type MessageAttributeValue, md5OfAttributes, md5OfBody } from './md5.js';
import { type Queue, type QueueStore, SqsError, type StoredMessage } from './queues.js';

type Json = Record<string, unknown>;

const JSON_10 = 'application/x-amz-json-1.0';

function str(input: Json, name: string): string {
  const v = input[name];
  if (typeof v !== 'string' || v === '') {
    throw new SqsError(
      'MissingParameter',
      'MissingParameter',
      400,
      `The request must contain the parameter ${name}.`,
    );
  }
  return v;
}

function int(input: Json, name: string, fallback: number, min: number, max: number): number {
  const v = input[name];
  if (v === undefined || v === null) return fallback;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    throw new SqsError(
      'InvalidParameterValue',
      'InvalidParameterValue',
      400,
      `Value ${String(v)} for parameter ${name} is invalid. Reason: must be between ${min} and ${max}.`,
    );
  }
  return v;
}

function names(input: Json, name: string): string[] {
  const v = input[name];
  return Array.isArray(v) ? v.map(String) : [];
}

function wanted(filter: string[], name: string): boolean {
  return filter.some(
    (f) => f === 'All' || f === '.*' || f === name || (f.endsWith('.*') && name.startsWith(f.slice(0, -1))),
  );
}

function render(m: StoredMessage, systemNames: string[], attributeNames: string[]): Json {
  const system: Record<string, string> = {
    SenderId: 'AIDASANDBOX',
    SentTimestamp: String(m.sentTimestamp),
    ApproximateReceiveCount: String(m.receiveCount),
    ApproximateFirstReceiveTimestamp: String(m.firstReceiveTimestamp ?? m.sentTimestamp),
    // SQS returns it for a message a redrive moved to this queue.
    ...(m.deadLetterQueueSourceArn === undefined
      ? {}
      : { DeadLetterQueueSourceArn: m.deadLetterQueueSourceArn }),
  };
  const attributes = Object.fromEntries(Object.entries(system).filter(([k]) => wanted(systemNames, k)));
  const messageAttributes = Object.fromEntries(
    Object.entries(m.attributes).filter(([k]) => wanted(attributeNames, k)),
  ) as Record<string, MessageAttributeValue>;
  const attrMd5 = md5OfAttributes(messageAttributes);
  return {
    MessageId: m.messageId,
    ReceiptHandle: m.receiptHandle,
    MD5OfBody: md5OfBody(m.body),
    Body: m.body,
    ...(Object.keys(attributes).length === 0 ? {} : { Attributes: attributes }),
    ...(attrMd5 === undefined
      ? {}
      : { MD5OfMessageAttributes: attrMd5, MessageAttributes: messageAttributes }),
  };
}

function parseAttributes(input: Json): Record<string, MessageAttributeValue> {
  const raw = input.MessageAttributes;
  if (raw === undefined || raw === null) return {};
  const out: Record<string, MessageAttributeValue> = {};
  for (const [k, v] of Object.entries(raw as Record<string, Json>)) {
    const dataType = v.DataType;
    if (typeof dataType !== 'string') {
      throw new SqsError(
        'InvalidParameterValue',
        'InvalidParameterValue',
        400,
        `The message attribute '${k}' must contain a non-empty attribute type.`,
      );
    }
    out[k] = {
      DataType: dataType,
      ...(typeof v.StringValue === 'string' ? { StringValue: v.StringValue } : {}),
      ...(typeof v.BinaryValue === 'string' ? { BinaryValue: v.BinaryValue } : {}),
    };
  }
  return out;
}

async function receive(store: QueueStore, queue: Queue, input: Json, gone: () => boolean): Promise<Json> {
  const max = int(input, 'MaxNumberOfMessages', 1, 1, 10);
  const visibility = int(input, 'VisibilityTimeout', queue.visibilityTimeoutSeconds, 0, 43200);
  const wait = int(
    input,
    'WaitTimeSeconds',
    Number(queue.attributes.ReceiveMessageWaitTimeSeconds ?? 0),
    0,
    20,
  );
  const systemNames = [...names(input, 'AttributeNames'), ...names(input, 'MessageSystemAttributeNames')];
  const attributeNames = names(input, 'MessageAttributeNames');
  const deadline = Date.now() + wait * 1000;
  for (;;) {
    const got = store.receive(queue, max, visibility);
    // Stop long-polling once the client (or the sandbox, on stop) dropped the connection.
    if (got.length > 0 || Date.now() >= deadline || gone()) {
      return got.length === 0 ? {} : { Messages: got.map((m) => render(m, systemNames, attributeNames)) };
    }
    await delay(Math.min(25, deadline - Date.now()));
  }
}

async function dispatch(store: QueueStore, op: string, input: Json, gone: () => boolean): Promise<Json> {
  switch (op) {
    case 'CreateQueue': {
      const q = store.create(str(input, 'QueueName'), (input.Attributes ?? {}) as Record<string, string>);
      return { QueueUrl: q.url };
    }
    case 'SendMessage': {
      const q = store.byUrl(str(input, 'QueueUrl'));
      const body = str(input, 'MessageBody');
      const attributes = parseAttributes(input);
      const m = store.send(q, body, attributes, int(input, 'DelaySeconds', 0, 0, 900));
      const attrMd5 = md5OfAttributes(attributes);
      return {
        MessageId: m.messageId,
        MD5OfMessageBody: md5OfBody(body),
        ...(attrMd5 === undefined ? {} : { MD5OfMessageAttributes: attrMd5 }),
      };
    }
    case 'ReceiveMessage':
      return receive(store, store.byUrl(str(input, 'QueueUrl')), input, gone);
    case 'DeleteMessage':
      store.delete(store.byUrl(str(input, 'QueueUrl')), str(input, 'ReceiptHandle'));
      return {};
    case 'ChangeMessageVisibility':
      store.changeVisibility(
        store.byUrl(str(input, 'QueueUrl')),
        str(input, 'ReceiptHandle'),
        int(input, 'VisibilityTimeout', 0, 0, 43200),
      );
      return {};
    case 'GetQueueAttributes': {
      const q = store.byUrl(str(input, 'QueueUrl'));
      const filter = names(input, 'AttributeNames');
      const all = store.attributesOf(q);
      return { Attributes: Object.fromEntries(Object.entries(all).filter(([k]) => wanted(filter, k))) };
    }
    default:
      throw new SqsError(
        'UnknownOperationException',
        'UnknownOperationException',
        404,
        `Unknown operation ${op}`,
      );
  }
}

function sendError(res: ServerResponse, e: SqsError): void {
  sendJson(
    res,
    e.status,
    { __type: `com.amazonaws.sqs#${e.errorName}`, message: e.message },
    { 'x-amzn-query-error': `${e.queryCode};Sender` },
    JSON_10,
  );
}

async function handle(
  req: IncomingMessage,
  res: ServerResponse,
  store: QueueStore,
  faults: Faults,
): Promise<void> {
  const text = await readBody(req);
  const target = req.headers['x-amz-target'];
  if (req.method !== 'POST' || typeof target !== 'string' || !target.startsWith('AmazonSQS.')) {
    sendError(
      res,
      new SqsError('UnknownOperationException', 'UnknownOperationException', 404, 'Unknown operation'),
    );
    return;
  }
  const op = target.slice('AmazonSQS.'.length);
  const decision = faults.decide('sqs', op, '*');
  await delay(decision.latencyMs);
  if (decision.kind === 'deny') {
    sendError(res, new SqsError('AccessDeniedException', 'AccessDenied', 403, decision.message));
    return;
  }
  if (decision.kind === 'error') {
    sendError(
      res,
      decision.status === 500
        ? new SqsError(
            'InternalError',
            'InternalError',
            500,
            'We encountered an internal error. Please try again.',
          )
        : new SqsError(
            'ServiceUnavailable',
            'ServiceUnavailable',
            503,
            'The request has failed due to a temporary failure of the server.',
          ),
    );
    return;
  }
  try {
    const input = (text.trim() === '' ? {} : JSON.parse(text)) as Json;
    sendJson(res, 200, await dispatch(store, op, input, () => res.destroyed), {}, JSON_10);
  } catch (error) {
    if (error instanceof SqsError) sendError(res, error);
    else sendError(res, new SqsError('InternalFailure', 'InternalFailure', 500, String(error)));
  }
}

/** An HTTP server speaking the SQS JSON protocol (awsJson1_0) subset the project uses. */
export function createSqsServer(store: QueueStore, faults: Faults): Server {
  return createServer((req, res) => {
    handle(req, res, store, faults).catch(() => {
      if (!res.headersSent)
        sendError(res, new SqsError('InternalFailure', 'InternalFailure', 500, 'internal error'));
    });
  });
}
