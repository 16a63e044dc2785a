/**
 * The local AWS side for JITR: IoT control plane (restJson1), S3 (s3rver), SQS (JSON
 * protocol), fault injection and the rule → Lambda path, in process, on loopback unless
 * `host` says otherwise.
 *
 * @example
 * const sandbox = await startSandbox({ port: 0, quotas: true });
 * const iot = new IoTClient({ endpoint: sandbox.endpoints.iot, region: sandbox.region, credentials: sandbox.credentials });
 * …
 * await sandbox.stop();
 */

import { mkdtemp, rm } from 'node:fs/promises';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_ACCOUNT, DEFAULT_REGION } from '../../lib/arn/arn.js';
import { startDynamoDb } from './dynamodb.js';
import { type FaultOptions, Faults, type QuotaOption } from './faults.js';
import { clientHost, closeServer, listenLoopback } from './http.js';
import { createIamServer } from './iam/server.js';
import { CONNECT_THROTTLED_REASON, createConnectQuota } from './iot/connect-quota.js';
import { createInspector, type IotInspector } from './iot/inspect.js';
import { createStore } from './iot/model.js';
import { parsePem } from './iot/pem.js';
import { createIotServer } from './iot/server.js';
import { type DeployFunctionOptions, type InvocationRecord, SandboxFunction } from './lambda/function.js';
import { type ConnectResult, connectDevice, type RegisteredEvent } from './lambda/registration.js';
import { createLambdaServer } from './lambda/server.js';
import { type MqttEndpoint, startMqttEndpoint } from './mqtt/endpoint.js';
import { createServerIdentity } from './mqtt/server-pki.js';
import { startS3 } from './s3.js';
import { QueueStore } from './sqs/queues.js';
import { createSqsServer } from './sqs/server.js';

export interface SandboxOptions {
  /** 0 = random free ports; N = IoT on N, SQS on N+1, S3 on N+2, Lambda on N+3, IAM on N+4, DynamoDB on N+6. */
  port?: number;
  /**
   * Address the HTTP services listen on: `127.0.0.1` (default; what the tests use), or e.g.
   * `0.0.0.0` so that a container (`sam local invoke`) reaches them as `host.docker.internal`.
   * The endpoints stay the ones clients on this machine use. (MQTT stays on loopback.)
   */
  host?: string;
  region?: string;
  account?: string;
  /** AWS default IoT TPS quotas (`true`), with overrides (object), or none (`false`, default). */
  quotas?: QuotaOption;
  faults?: FaultOptions;
  /** S3 buckets to create at start. */
  buckets?: string[];
  /** SQS queues to create at start (names). */
  queues?: string[];
  /**
   * Start the MQTT-over-TLS endpoint (devices connect for real: JITR on CONNECT, policies
   * enforced). With a fixed `port` N it listens on N+5, else on a random free port.
   */
  mqtt?: boolean;
  /** DynamoDB tables to create at start, shaped like the stack's RegistrationStateTable. */
  stateTables?: string[];
}

export interface SandboxCredentials {
  accessKeyId: string;
  secretAccessKey: string;
}

export interface Sandbox {
  /**
   * Lambda serves Invoke and GetFunctionConfiguration for the deployed functions; IAM serves
   * SimulatePrincipalPolicy from the fault deny list.
   */
  endpoints: {
    iot: string;
    s3: string;
    sqs: string;
    lambda: string;
    iam: string;
    dynamodb: string;
    mqtt?: string;
  };
  /** With `mqtt: true`: the endpoint (`mqtts://127.0.0.1:<port>`), its trust file and what it did. */
  mqtt: MqttEndpoint | undefined;
  region: string;
  accountId: string;
  /** Dummy credentials every client must use (s3rver checks signatures against them). */
  credentials: SandboxCredentials;
  /** Environment for SDK clients and handlers: endpoints, region, credentials. */
  env(): Record<string, string>;
  /** State inspection of the IoT control plane. */
  iot: IotInspector;
  /** The same inspector as {@link Sandbox.iot} (the name the cross-area contract uses). */
  state: IotInspector;
  /** The SQS queues (create, peek). */
  sqs: QueueStore;
  /** S3 helpers. */
  s3: { createBucket(name: string): Promise<void> };
  /** DynamoDB (dynalite, in memory): tables shaped like the stack's RegistrationStateTable. */
  dynamodb: { createStateTable(name: string): Promise<void> };
  /** Fault injection, changeable at run time. */
  faults: Faults;
  /** Calls per operation (`iot:CreateThing`, `sqs:SendMessage`), throttled, denied, failed. */
  counters(): ReturnType<Faults['counters']>;
  /**
   * Deploys a function bundle as the target of the registered-event rule (Lambda async
   * invocation: worker-thread containers, retries, on-failure destination). Deploying an
   * existing name replaces that function.
   */
  deployFunction(options: DeployFunctionOptions): SandboxFunction;
  /**
   * A device connects with this certificate: AWS IoT's JITR behaviour (auto-register under an
   * ACTIVE, auto-registration CA; publish the registered event while PENDING_ACTIVATION) and
   * the rule's asynchronous invocation of every deployed function matching the CA.
   * With `wait: true`, resolves only once those invocations have settled (queue path: once the
   * message left the queue, processed or moved to the DLQ). With `clientId`, AWS IoT's quota of
   * 1 CONNECT per second per client ID applies: a sooner connect of that client ID is refused
   * (reason {@link CONNECT_THROTTLED_REASON}) and publishes nothing.
   */
  registerDevice(
    certificatePem: string,
    options?: { wait?: boolean; clientId?: string },
  ): Promise<RegisterDeviceResult>;
  lambda: {
    functions(): SandboxFunction[];
    /** Resolves when no deployed function has anything running, queued or awaiting a retry. */
    idle(): Promise<void>;
    /** Every registered event published so far. */
    published(): RegisteredEvent[];
    /** All invocation records of all functions. */
    invocations(): InvocationRecord[];
  };
  /** Stops every server and worker the sandbox started and removes its temp dir. */
  stop(): Promise<void>;
}

export interface RegisterDeviceResult extends ConnectResult {
  /** Request ids of the asynchronous invocations the event caused (one per matching direct-path function). */
  requestIds: string[];
  /** Ids of the SQS messages the rule wrote (one per matching function fed by a queue). */
  messageIds: string[];
}

/** Where the rule delivered one event: an asynchronous invocation, or a message in a function's queue. */
type Delivered = { fn: SandboxFunction; requestId: string } | { fn: SandboxFunction; messageId: string };

/** The credentials the sandbox accepts (s3rver's fixed key pair). */
export const SANDBOX_CREDENTIALS: SandboxCredentials = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

/** Starts the sandbox on 127.0.0.1 (or `options.host`). */
export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const region = options.region ?? DEFAULT_REGION;
  const accountId = options.account ?? DEFAULT_ACCOUNT;
  const base = options.port ?? 0;
  const host = options.host ?? '127.0.0.1';
  const local = clientHost(host);
  const faults = new Faults(accountId, options.quotas ?? false, options.faults ?? {});
  const store = createStore({ region, accountId });
  const queues = new QueueStore(region, accountId);
  const servers: Server[] = [];
  const stops: Array<() => Promise<void>> = [];
  try {
    const iotServer = createIotServer(store, faults);
    servers.push(iotServer);
    const iotPort = await listenLoopback(iotServer, base, host);
    const sqsServer = createSqsServer(queues, faults);
    servers.push(sqsServer);
    const sqsPort = await listenLoopback(sqsServer, base === 0 ? 0 : base + 1, host);
    queues.baseUrl = `http://${local}:${sqsPort}`;
    for (const name of options.queues ?? []) queues.create(name);
    const s3 = await startS3({
      port: base === 0 ? 0 : base + 2,
      buckets: options.buckets ?? [],
      host,
      latencyMs: () => faults.latencyMs(),
      requestLog: faults.requests,
    });
    stops.push(() => s3.stop());
    const functions: SandboxFunction[] = [];
    const lambdaServer = createLambdaServer(() => functions);
    servers.push(lambdaServer);
    const lambdaPort = await listenLoopback(lambdaServer, base === 0 ? 0 : base + 3, host);
    const iamServer = createIamServer(faults);
    servers.push(iamServer);
    const iamPort = await listenLoopback(iamServer, base === 0 ? 0 : base + 4, host);
    const dynamodb = await startDynamoDb({
      port: base === 0 ? 0 : base + 6,
      region,
      credentials: SANDBOX_CREDENTIALS,
      host,
      latencyMs: () => faults.latencyMs(),
      requestLog: faults.requests,
    });
    stops.push(() => dynamodb.stop());
    for (const name of options.stateTables ?? []) await dynamodb.createStateTable(name);
    const endpoints: Sandbox['endpoints'] = {
      iot: `http://${local}:${iotPort}`,
      s3: s3.endpoint,
      sqs: queues.baseUrl,
      lambda: `http://${local}:${lambdaPort}`,
      iam: `http://${local}:${iamPort}`,
      dynamodb: dynamodb.endpoint,
    };
    let stopped = false;
    const inspector = createInspector(store);
    const published: RegisteredEvent[] = [];
    const connectQuota = createConnectQuota();
    /**
     * The stack's ingestion path for a registered event: the rule's asynchronous invocation of
     * every deployed function whose CA filter matches. Both registerDevice and the MQTT
     * endpoint publish through here.
     */
    const publishRegisteredEvent = (event: RegisteredEvent): Delivered[] => {
      published.push(event);
      const invoked: Delivered[] = [];
      for (const fn of functions) {
        if (fn.caCertificateId !== undefined && fn.caCertificateId !== event.caCertificateId) continue;
        const source = fn.eventSource;
        if (source === undefined) invoked.push({ fn, requestId: fn.invokeAsync(event) });
        else {
          // The rule's SQS action: the event's JSON as the body, no attributes (aws-facts §9.1).
          const message = queues.send(source.queue, JSON.stringify(event));
          invoked.push({ fn, messageId: message.messageId });
        }
      }
      return invoked;
    };
    let mqtt: MqttEndpoint | undefined;
    if (options.mqtt === true) {
      const dir = await mkdtemp(join(tmpdir(), 'jitr-sandbox-mqtt-'));
      stops.push(() => rm(dir, { recursive: true, force: true }));
      const endpoint = await startMqttEndpoint({
        store,
        identity: await createServerIdentity(dir),
        port: base === 0 ? 0 : base + 5,
        deviceConnects(certificatePem) {
          const result = connectDevice(store, certificatePem);
          if (result.event !== undefined) {
            publishRegisteredEvent(result.event);
            // AWS IoT also publishes the event to MQTT subscribers of its reserved topic.
            void endpoint.publish(
              `$aws/events/certificates/registered/${result.event.caCertificateId}`,
              JSON.stringify(result.event),
            );
          }
          return result;
        },
      });
      mqtt = endpoint;
      stops.unshift(() => endpoint.stop());
      endpoints.mqtt = endpoint.url;
    }
    const env = (): Record<string, string> => ({
      AWS_ENDPOINT_URL_IOT: endpoints.iot,
      AWS_ENDPOINT_URL_S3: endpoints.s3,
      AWS_ENDPOINT_URL_SQS: endpoints.sqs,
      AWS_ENDPOINT_URL_LAMBDA: endpoints.lambda,
      AWS_ENDPOINT_URL_IAM: endpoints.iam,
      AWS_ENDPOINT_URL_DYNAMODB: endpoints.dynamodb,
      AWS_REGION: region,
      AWS_DEFAULT_REGION: region,
      AWS_ACCESS_KEY_ID: SANDBOX_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: SANDBOX_CREDENTIALS.secretAccessKey,
    });
    stops.push(async () => {
      await Promise.all(functions.map((f) => f.stop()));
    });
    return {
      endpoints,
      region,
      accountId,
      credentials: { ...SANDBOX_CREDENTIALS },
      mqtt,
      env,
      iot: inspector,
      state: inspector,
      sqs: queues,
      s3: { createBucket: (name) => s3.createBucket(name) },
      dynamodb: { createStateTable: (name) => dynamodb.createStateTable(name) },
      faults,
      counters: () => faults.counters(),
      deployFunction(fnOptions) {
        const fn = new SandboxFunction(fnOptions, { region, accountId, env: env() }, queues);
        // Deploying a name again replaces the function (as updating its code does); the old
        // one finishes what it has in flight, then stops.
        const old = functions.findIndex((f) => f.name === fn.name);
        if (old >= 0) {
          const [previous] = functions.splice(old, 1);
          if (previous !== undefined) void previous.idle().then(() => previous.stop());
        }
        functions.push(fn);
        return fn;
      },
      async registerDevice(certificatePem, registerOptions = {}) {
        const clientId = registerOptions.clientId;
        if (clientId !== undefined && !connectQuota.admit(clientId, store.now())) {
          const { id } = parsePem(certificatePem, 'certificatePem');
          return {
            outcome: 'refused',
            certificateId: id,
            caCertificateId: undefined,
            event: undefined,
            reason: CONNECT_THROTTLED_REASON,
            requestIds: [],
            messageIds: [],
          };
        }
        const result = connectDevice(store, certificatePem);
        const invoked = result.event === undefined ? [] : publishRegisteredEvent(result.event);
        if (registerOptions.wait === true) {
          await Promise.all(
            invoked.map((i) =>
              'requestId' in i ? i.fn.settled(i.requestId) : i.fn.eventSource?.settled(i.messageId),
            ),
          );
        }
        const requestIds = invoked.flatMap((i) => ('requestId' in i ? [i.requestId] : []));
        const messageIds = invoked.flatMap((i) => ('messageId' in i ? [i.messageId] : []));
        return { ...result, requestIds, messageIds };
      },
      lambda: {
        functions: () => [...functions],
        async idle() {
          // Loop: an invocation may finish while another function is still busy.
          while (functions.some((f) => !f.isIdle)) await Promise.all(functions.map((f) => f.idle()));
        },
        published: () => [...published],
        invocations: () => functions.flatMap((f) => f.invocations()),
      },
      async stop() {
        if (stopped) return;
        stopped = true;
        await Promise.all([...servers.map((s) => closeServer(s)), ...stops.map((s) => s())]);
      },
    };
  } catch (error) {
    await Promise.all([
      ...servers.filter((s) => s.listening).map((s) => closeServer(s)),
      ...stops.map((s) => s()),
    ]);
    throw error;
  }
}

export type { CallCounters, FaultOptions, InjectedFailure, QuotaOption } from './faults.js';
export { CONNECT_INTERVAL_PER_CLIENT_ID_MS, CONNECT_THROTTLED_REASON } from './iot/connect-quota.js';
export type { CertificateView, IotInspector, ThingView } from './iot/inspect.js';
export type { AttemptOutcome, ErrorPayload, LogLine } from './lambda/container.js';
export type { DestinationRecord } from './lambda/destination.js';
export type { EventSourceOptions, EventSourceStats } from './lambda/event-source.js';
export type {
  AttemptRecord,
  DeployFunctionOptions,
  InvocationRecord,
  InvokeThrottleReason,
  SandboxFunction,
} from './lambda/function.js';
export { InvokeThrottledError } from './lambda/function.js';
export type { ConnectOutcome, ConnectResult, RegisteredEvent } from './lambda/registration.js';
export { parseRetryDelays, RETRY_DELAYS, type RetryDelays } from './lambda/timing.js';
export type { MqttEndpoint, MqttEvent } from './mqtt/endpoint.js';
