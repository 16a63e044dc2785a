// The five `npm run demo` stories against the built bundle in the sandbox, with the final
// state of every device read back through the SDK.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCleanupStack } from '../../infra/demo/cleanup.js';
import { readDeviceState } from '../../infra/demo/device-state.js';
import { summariseEmf } from '../../infra/demo/emf.js';
import { startSandboxWorld } from '../../infra/demo/sandbox-world.js';
import { runStories, type StoriesOutcome } from '../../infra/demo/stories.js';
import { DEMO_TEMPLATE_OPTIONS } from '../../infra/demo/template.js';
import type { DemoWorld } from '../../infra/demo/world.js';
import { stackIngestion } from '../../infra/local-aws/stack-template.js';
import { ensureHandlerBundle } from '../helpers/e2e-bundle.js';
import { DEMO_POLICY_NAME } from '../helpers/e2e-jitr.js';

describe('npm run demo stories', () => {
  const cleanup = createCleanupStack();
  let world: DemoWorld;
  let outcome: StoriesOutcome;

  beforeAll(async () => {
    await ensureHandlerBundle();
    world = await startSandboxWorld({ cleanup, log: () => undefined, print: () => undefined });
    outcome = await runStories(world, () => undefined);
  });

  afterAll(async () => {
    expect(await cleanup.run()).toEqual([]);
  });

  const result = (story: number) => {
    const found = outcome.results.find((r) => r.story === story);
    if (found === undefined) throw new Error(`story ${story} did not run`);
    return found;
  };

  it('ends every story as expected', () => {
    expect(outcome.results.map((r) => [r.story, r.problems])).toEqual([
      [1, []],
      [2, []],
      [3, []],
      [4, []],
      [5, []],
    ]);
  });

  it('tells every story from the device side over MQTT/TLS too', () => {
    expect(outcome.results.map((r) => r.deviceSide.split('\n'))).toEqual([
      [
        'refused: JITR registered it',
        expect.stringMatching(/^activated → connected; time to first connect \d+\.\d\d s$/),
        'publish to its own topic: acknowledged',
        "subscribe to another device's topics: refused by its policy (SUBACK 0x80)",
      ],
      ['refused: JITR registered it', 'reconnect refused (certificate REVOKED)'],
      ['refused: JITR registered it, event published; stays pending until the fix'],
      ['refused: JITR registered it, event published; stays pending until the fix'],
      [
        'refused: JITR registered it',
        expect.stringMatching(/^activated → connected; time to first connect \d+\.\d\d s$/),
        'publish to its own topic: acknowledged',
      ],
    ]);
    expect(result(1).timeToConnectMs).toBeGreaterThan(0);
    expect(result(2).timeToConnectMs).toBeNull();
  });

  it('activates the good device with its thing in both groups and the policy attached', async () => {
    // Act
    const state = await readDeviceState(world.iot, result(1).certificateId);

    // Assess
    expect(state).toEqual({
      certificateId: result(1).certificateId,
      status: 'ACTIVE',
      things: [
        {
          thingName: 'demo-good-001',
          thingTypeName: DEMO_TEMPLATE_OPTIONS.thingTypeName,
          attributes: { serialNumber: 'SN-0001', organization: 'Example-Corp', line: 'line-a' },
          groups: ['demo-fleet', 'demo-plant-7'],
        },
      ],
      policies: [DEMO_POLICY_NAME],
    });
  });

  it('revokes the device on the CRL and provisions nothing for it', async () => {
    expect(await readDeviceState(world.iot, result(2).certificateId)).toEqual({
      certificateId: result(2).certificateId,
      status: 'REVOKED',
      things: [],
      policies: [],
    });
  });

  it('leaves the device without a subject serialNumber pending, with MissingParameter in the DLQ', async () => {
    // Act
    const state = await readDeviceState(world.iot, result(3).certificateId);
    const diagnosis = outcome.diagnoses.find((d) => d.certificateId === result(3).certificateId);

    // Assess
    expect(state).toEqual({
      certificateId: result(3).certificateId,
      status: 'PENDING_ACTIVATION',
      things: [],
      policies: [],
    });
    // The stack's default path: SQS redrive moved the bare event to the DLQ after
    // QueueMaxReceiveCount receives; the registration-state table says why, as the handler recorded it.
    expect(diagnosis).toMatchObject({
      condition: 'redrive of jitr-ingest',
      attempts: stackIngestion().queue?.maxReceiveCount,
      code: 'MissingParameter',
      step: 'template-render',
      source: 'the registration-state table',
    });
    expect(diagnosis?.message).toContain('serialNumber (2.5.4.5)');
  });

  it('diagnoses the missing iot:CreateThing from the registration-state table, then activates after replay', async () => {
    // Act
    const diagnosis = outcome.diagnoses.find((d) => d.certificateId === result(4).certificateId);
    const state = await readDeviceState(world.iot, result(4).certificateId);

    // Assess
    expect(diagnosis).toMatchObject({
      condition: 'redrive of jitr-ingest',
      attempts: stackIngestion().queue?.maxReceiveCount,
      code: 'AccessDenied',
      step: 'thing',
      source: 'the registration-state table',
      missingPermission: 'iot:CreateThing',
    });
    expect(diagnosis?.remedy).toContain('"Action":"iot:CreateThing"');
    expect(result(4).status).toBe('PENDING_ACTIVATION');
    expect(state).toEqual({
      certificateId: result(4).certificateId,
      status: 'ACTIVE',
      things: [
        {
          thingName: 'demo-denied-004',
          thingTypeName: DEMO_TEMPLATE_OPTIONS.thingTypeName,
          attributes: { serialNumber: 'SN-0004', organization: 'Example-Corp', line: 'line-a' },
          groups: ['demo-fleet', 'demo-plant-7'],
        },
      ],
      policies: [DEMO_POLICY_NAME],
    });
  });

  it('keeps only the unreplayed story-3 message in the DLQ', async () => {
    // The bare registered event, as the queue's redrive moved it.
    const remaining = (await world.peekDlq()).map((m) => JSON.parse(m.body).certificateId);
    expect(remaining).toEqual([result(3).certificateId]);
  });

  it('emits the outcome metrics as EMF', () => {
    // Act
    const metrics = summariseEmf(world.functionOutput()).map((m) => ({
      name: m.name,
      dimensions: m.dimensions,
      sum: m.sum,
    }));

    // Assess
    const receives = stackIngestion().queue?.maxReceiveCount ?? 0;
    const counted = metrics.filter((m) =>
      ['CertificateActivated', 'CertificateRevoked', 'ProvisioningFailed'].includes(m.name),
    );
    expect(counted).toEqual([
      // Story 1, and story 4's replay (a synchronous invoke of the same function).
      { name: 'CertificateActivated', dimensions: { service: 'jitr' }, sum: 2 },
      { name: 'CertificateRevoked', dimensions: { service: 'jitr' }, sum: 1 },
      // Stories 3 and 4: one failure per receive until the redrive.
      {
        name: 'ProvisioningFailed',
        dimensions: { service: 'jitr', ErrorCode: 'AccessDenied' },
        sum: receives,
      },
      {
        name: 'ProvisioningFailed',
        dimensions: { service: 'jitr', ErrorCode: 'MissingParameter' },
        sum: receives,
      },
      { name: 'ProvisioningFailed', dimensions: { service: 'jitr' }, sum: 2 * receives },
    ]);
  });
});
