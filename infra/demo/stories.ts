/**
 * The five demo stories. Each one onboards a device through the local AWS side, reads the final
 * state back through the SDK, and lists every way it differs from what the story expects (the
 * demo doubles as a smoke test). The end-to-end tests run the same stories.
 */
import { GetPolicyCommand } from '@aws-sdk/client-iot';
import { decodeDlqMessage } from '../../lib/operations/dlq-message.js';
import { certificatesToExplain } from '../../lib/operations/recorded-failures.js';
import { type DeviceState, readDeviceState } from './device-state.js';
import { type Diagnosis, diagnoseDlq } from './diagnosis.js';
import type { StoryResult } from './report.js';
import { DEMO_TEMPLATE_OPTIONS, demoPolicyDocument } from './template.js';
import type { DemoWorld, Device, DeviceSession } from './world.js';

export interface StoriesOutcome {
  results: StoryResult[];
  /** The DLQ as it was before the replay (stories 3 and 4). */
  diagnoses: Diagnosis[];
}

interface Expected {
  status: string;
  provisioned: boolean;
  dlqCode?: string;
  dlqSubject?: string;
  /** What the device must see when it reconnects (absent: it only made its first attempt). */
  device?: { connected: boolean; published?: boolean; subscribeRefused?: boolean };
}

/** The DLQ as an operator sees it: each message with its code, step and remedy. */
async function diagnose(world: DemoWorld): Promise<Diagnosis[]> {
  const entries = await world.peekDlq();
  const ids = certificatesToExplain(entries.map((e) => decodeDlqMessage(e.body)));
  return diagnoseDlq(entries, world.functionOutput(), await world.recordedFailures(ids));
}

/** The device's own topics, and another device's. */
const ownTopic = (device: Device): string => `devices/${device.name}/hello`;

/** Runs stories 1–5 in order against one world. */
export async function runStories(world: DemoWorld, log: (line: string) => void): Promise<StoriesOutcome> {
  const results: StoryResult[] = [];

  log('1/5 a good device connects');
  const good = await world.issueDevice({
    commonName: 'demo-good-001',
    organization: 'Example-Corp',
    serialNumber: 'SN-0001',
  });
  await world.register(good);
  const goodSession = await world.online(good, {
    publish: ownTopic(good),
    subscribe: 'devices/demo-denied-004/#',
  });

  log("2/5 a device whose certificate is on the CA's CRL connects");
  const revoked = await world.issueDevice({
    commonName: 'demo-revoked-002',
    organization: 'Example-Corp',
    serialNumber: 'SN-0002',
  });
  await world.revoke(revoked);
  await world.register(revoked);
  const revokedSession = await world.online(revoked);

  log('3/5 a device whose certificate lacks the subject serialNumber the template needs connects');
  const incomplete = await world.issueDevice({
    commonName: 'demo-noserial-003',
    organization: 'Example-Corp',
  });
  // Stories 3 and 4 fail on every try: both wait out their retries at once.
  await world.register(incomplete, { settle: false });

  log('4/5 a device connects while the role lacks iot:CreateThing');
  const denied = await world.issueDevice({
    commonName: 'demo-denied-004',
    organization: 'Example-Corp',
    serialNumber: 'SN-0004',
  });
  world.denyAction('iot:CreateThing');
  try {
    await world.register(denied, { settle: false });
    log(
      '  waiting until the function is done with both events: each failing try is retried, then the event lands in the DLQ',
    );
    await world.settled();
  } finally {
    world.allowAction('iot:CreateThing');
  }
  const diagnoses = await diagnose(world);

  results.push(
    await check(
      world,
      1,
      'good device',
      good,
      diagnoses,
      {
        status: 'ACTIVE',
        provisioned: true,
        device: { connected: true, published: true, subscribeRefused: true },
      },
      goodSession,
    ),
  );
  results.push(
    await check(
      world,
      2,
      'revoked device',
      revoked,
      diagnoses,
      { status: 'REVOKED', provisioned: false, device: { connected: false } },
      revokedSession,
    ),
  );
  results.push(
    await check(world, 3, 'certificate lacks a field', incomplete, diagnoses, {
      status: 'PENDING_ACTIVATION',
      provisioned: false,
      dlqCode: 'MissingParameter',
      dlqSubject: 'serialNumber',
    }),
  );
  results.push(
    await check(world, 4, 'role lacks iot:CreateThing', denied, diagnoses, {
      status: 'PENDING_ACTIVATION',
      provisioned: false,
      dlqCode: 'AccessDenied',
      dlqSubject: 'iot:CreateThing',
    }),
  );

  log('5/5 iot:CreateThing is granted again; `jitr replay` re-drives the DLQ for story 4');
  const summary = await world.replay([denied.certificateId]);
  const afterReplay = await diagnose(world);
  const deniedSession = await world.online(denied, { publish: ownTopic(denied) });
  const replayed = await check(
    world,
    5,
    'story 4 replayed after the fix',
    denied,
    afterReplay,
    { status: 'ACTIVE', provisioned: true, device: { connected: true, published: true } },
    deniedSession,
  );
  if (summary.exitCode !== 0 || !summary.succeeded.includes(denied.certificateId)) {
    replayed.problems.push(`jitr replay did not succeed for it (exit code ${summary.exitCode})`);
  }
  if (!afterReplay.some((d) => d.certificateId === incomplete.certificateId)) {
    replayed.problems.push("the replay removed story 3's message, which it was not asked to replay");
  }
  replayed.reason = `replayed: ${summary.succeeded.length} succeeded, ${summary.failed.length} failed; ${replayed.reason}`;
  results.push(replayed);
  return { results, diagnoses };
}

async function check(
  world: DemoWorld,
  story: number,
  title: string,
  device: Device,
  diagnoses: readonly Diagnosis[],
  expected: Expected,
  session?: DeviceSession,
): Promise<StoryResult> {
  const state = await readDeviceState(world.iot, device.certificateId);
  const thing = state.things[0];
  const problems: string[] = [];
  if (state.status !== expected.status) problems.push(`status ${state.status}, expected ${expected.status}`);
  if (expected.provisioned) {
    problems.push(...(await provisioningProblems(world, device, state)));
  } else {
    if (state.things.length > 0)
      problems.push(`attached to ${state.things.map((t) => t.thingName).join(', ')}`);
    if (state.policies.length > 0) problems.push(`policies attached: ${state.policies.join(', ')}`);
  }
  const diagnosis = diagnoses.find((d) => d.certificateId === device.certificateId);
  if (expected.dlqCode === undefined) {
    if (diagnosis !== undefined) problems.push(`unexpected DLQ message: ${diagnosis.code}`);
  } else if (diagnosis === undefined) {
    problems.push(`no DLQ message, expected ${expected.dlqCode}`);
  } else {
    if (diagnosis.code !== expected.dlqCode)
      problems.push(`DLQ code ${diagnosis.code}, expected ${expected.dlqCode}`);
    if (expected.dlqSubject !== undefined && !diagnosis.message.includes(expected.dlqSubject)) {
      problems.push(`DLQ message does not name ${expected.dlqSubject}`);
    }
  }
  problems.push(...deviceProblems(expected, session));
  return {
    story,
    title,
    device: device.name,
    deviceSide: deviceSide(session, expected),
    timeToConnectMs: session?.timeToConnectMs ?? null,
    certificateId: device.certificateId,
    status: state.status,
    thing: thing?.thingName ?? null,
    groups: thing?.groups ?? [],
    policies: state.policies,
    reason: reasonOf(state, diagnosis, problems),
    problems,
  };
}

async function provisioningProblems(world: DemoWorld, device: Device, state: DeviceState): Promise<string[]> {
  const problems: string[] = [];
  const thing = state.things[0];
  if (state.things.length !== 1 || thing === undefined) {
    return [`attached to ${state.things.length} things, expected 1`];
  }
  if (thing.thingName !== device.name) problems.push(`thing ${thing.thingName}, expected ${device.name}`);
  if (thing.thingTypeName !== DEMO_TEMPLATE_OPTIONS.thingTypeName) {
    problems.push(`thing type ${thing.thingTypeName}, expected ${DEMO_TEMPLATE_OPTIONS.thingTypeName}`);
  }
  const groups = [...DEMO_TEMPLATE_OPTIONS.thingGroups].sort();
  if (JSON.stringify(thing.groups) !== JSON.stringify(groups)) {
    problems.push(`groups ${thing.groups.join(',')}, expected ${groups.join(',')}`);
  }
  if (thing.attributes.line !== DEMO_TEMPLATE_OPTIONS.line) problems.push('attribute line missing');
  const [policyName, ...more] = state.policies;
  if (policyName === undefined || more.length > 0) {
    problems.push(`${state.policies.length} policies attached, expected 1`);
  } else {
    const policy = await world.iot.send(new GetPolicyCommand({ policyName }));
    const document = JSON.parse(policy.policyDocument ?? 'null') as unknown;
    if (JSON.stringify(document) !== JSON.stringify(demoPolicyDocument())) {
      problems.push(`policy ${policyName} does not hold the template's document`);
    }
  }
  return problems;
}

function reasonOf(state: DeviceState, diagnosis: Diagnosis | undefined, problems: readonly string[]): string {
  const head =
    diagnosis !== undefined
      ? `${diagnosis.code}: ${diagnosis.message}`
      : state.status === 'ACTIVE'
        ? 'provisioned, activated last'
        : state.status === 'REVOKED'
          ? "serial on the CA's CRL: rejected, not retried"
          : `status ${state.status}`;
  return problems.length === 0 ? head : `${head}\nPROBLEMS: ${problems.join('; ')}`;
}

function deviceProblems(expected: Expected, session: DeviceSession | undefined): string[] {
  const want = expected.device;
  if (want === undefined) return [];
  if (session === undefined) return ['the device did not reconnect'];
  const problems: string[] = [];
  if (session.connected !== want.connected)
    problems.push(
      `device ${session.connected ? 'connected' : 'refused'}, expected ${want.connected ? 'connected' : 'refused'}`,
    );
  if (want.published !== undefined && session.published !== want.published)
    problems.push(
      `publish to its own topic ${session.published === true ? 'acknowledged' : 'not acknowledged'}`,
    );
  if (
    want.subscribeRefused === true &&
    (session.subscribeOtherCode === null || session.subscribeOtherCode < 0x80)
  )
    problems.push("subscribing to another device's topics was not refused");
  return problems;
}

function deviceSide(session: DeviceSession | undefined, expected: Expected): string {
  if (session === undefined)
    return expected.status === 'PENDING_ACTIVATION'
      ? 'refused: JITR registered it, event published; stays pending until the fix'
      : 'refused: JITR registered it, event published';
  const steps = ['refused: JITR registered it'];
  if (!session.connected) steps.push(`reconnect refused (certificate ${expected.status})`);
  else {
    steps.push(
      `activated → connected; time to first connect ${((session.timeToConnectMs ?? 0) / 1000).toFixed(2)} s`,
    );
    if (session.published !== null)
      steps.push(`publish to its own topic: ${session.published ? 'acknowledged' : 'REFUSED'}`);
    if (session.subscribeOtherCode !== null)
      steps.push(
        `subscribe to another device's topics: ${session.subscribeOtherCode >= 0x80 ? `refused by its policy (SUBACK 0x${session.subscribeOtherCode.toString(16)})` : 'GRANTED'}`,
      );
  }
  return steps.join('\n');
}
