import {
  AddThingToBillingGroupCommand,
  AddThingToThingGroupCommand,
  CreateBillingGroupCommand,
  CreateDynamicThingGroupCommand,
  CreateThingCommand,
  CreateThingGroupCommand,
  CreateThingTypeCommand,
  DeprecateThingTypeCommand,
  DescribeBillingGroupCommand,
  DescribeThingCommand,
  DescribeThingGroupCommand,
  DescribeThingTypeCommand,
  type IoTClient,
  ListThingGroupsForThingCommand,
  RemoveThingFromThingGroupCommand,
  UpdateThingCommand,
} from '@aws-sdk/client-iot';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Sandbox, startSandbox } from '../../infra/sandbox/index.js';
import { clientsFor, errorOf, shapeOf } from './helpers/clients.js';

const ARN = 'arn:aws:iot:eu-west-1:210987654321';

describe('sandbox IoT things, types and groups', () => {
  let sandbox: Sandbox;
  let iot: IoTClient;

  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0, region: 'eu-west-1', account: '210987654321' });
    iot = clientsFor(sandbox).iot;
    await iot.send(
      new CreateThingTypeCommand({
        thingTypeName: 'sensor',
        thingTypeProperties: { thingTypeDescription: 'Sensors' },
      }),
    );
    await iot.send(new CreateThingGroupCommand({ thingGroupName: 'plant-1' }));
    await iot.send(new CreateBillingGroupCommand({ billingGroupName: 'tier-1' }));
  });

  afterAll(async () => {
    await sandbox.stop();
  });

  it('creates a thing and describes it with type, attributes, version and ARN', async () => {
    // Act
    const created = await iot.send(
      new CreateThingCommand({
        thingName: 'dev-1',
        thingTypeName: 'sensor',
        attributePayload: { attributes: { a: '1' } },
      }),
    );
    const described = await iot.send(new DescribeThingCommand({ thingName: 'dev-1' }));

    // Assess
    expect(created).toMatchObject({ thingName: 'dev-1', thingArn: `${ARN}:thing/dev-1` });
    expect(described).toMatchObject({
      defaultClientId: 'dev-1',
      thingName: 'dev-1',
      thingId: created.thingId,
      thingArn: `${ARN}:thing/dev-1`,
      thingTypeName: 'sensor',
      attributes: { a: '1' },
      version: 1,
    });
  });

  it('answers CreateThing with identical input again with the same thing', async () => {
    // Prepare
    const input = { thingName: 'dev-same', attributePayload: { attributes: { x: 'y' } } };
    const first = await iot.send(new CreateThingCommand(input));

    // Act
    const second = await iot.send(new CreateThingCommand(input));

    // Assess
    expect(second).toMatchObject({ thingName: 'dev-same', thingArn: first.thingArn, thingId: first.thingId });
  });

  it('answers ResourceAlreadyExistsException (409) with resourceId and resourceArn for a different configuration', async () => {
    // Prepare
    const first = await iot.send(
      new CreateThingCommand({ thingName: 'dev-diff', attributePayload: { attributes: { x: 'y' } } }),
    );

    // Act
    const error = await errorOf(
      iot.send(
        new CreateThingCommand({ thingName: 'dev-diff', attributePayload: { attributes: { x: 'z' } } }),
      ),
    );

    // Assess
    expect(shapeOf(error)).toEqual({
      name: 'ResourceAlreadyExistsException',
      status: 409,
      message: 'Thing dev-diff already exists in account with different attributes',
    });
    expect([error.resourceId, error.resourceArn]).toEqual([first.thingId, `${ARN}:thing/dev-diff`]);
  });

  it('answers ResourceNotFoundException (404) when the thing type does not exist', async () => {
    // Act
    const error = await errorOf(
      iot.send(new CreateThingCommand({ thingName: 'dev-x', thingTypeName: 'missing-type' })),
    );

    // Assess
    expect(shapeOf(error)).toEqual({
      name: 'ResourceNotFoundException',
      status: 404,
      message: 'Thing type missing-type does not exist',
    });
  });

  it('answers ResourceNotFoundException (404) when the billing group does not exist', async () => {
    // Act
    const error = await errorOf(
      iot.send(new CreateThingCommand({ thingName: 'dev-y', billingGroupName: 'no-such' })),
    );

    // Assess
    expect(shapeOf(error)).toEqual({
      name: 'ResourceNotFoundException',
      status: 404,
      message: 'Billing group no-such does not exist',
    });
  });

  it('answers InvalidRequestException (400) for a thing name outside [a-zA-Z0-9:_-]', async () => {
    // Act
    const error = await errorOf(iot.send(new CreateThingCommand({ thingName: 'dev 1.local' })));

    // Assess
    expect(shapeOf(error)).toEqual({
      name: 'InvalidRequestException',
      status: 400,
      message:
        "1 validation error detected: Value 'dev 1.local' at 'thingName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9:_-]+",
    });
  });

  it('refuses a fourth attribute without a thing type and accepts it with one', async () => {
    // Prepare
    const attributes = { a: '1', b: '2', c: '3', d: '4' };

    // Act
    const error = await errorOf(
      iot.send(new CreateThingCommand({ thingName: 'dev-4a', attributePayload: { attributes } })),
    );
    const typed = await iot.send(
      new CreateThingCommand({
        thingName: 'dev-4b',
        thingTypeName: 'sensor',
        attributePayload: { attributes },
      }),
    );

    // Assess
    expect(shapeOf(error)).toEqual({
      name: 'InvalidRequestException',
      status: 400,
      message: 'A thing without a thing type can have at most 3 attributes; got 4',
    });
    expect(typed.thingName).toBe('dev-4b');
  });

  it('refuses a 51st attribute on a thing with a type', async () => {
    // Prepare
    const attributes = Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`a${i}`, String(i)]));

    // Act
    const error = await errorOf(
      iot.send(
        new CreateThingCommand({
          thingName: 'dev-51',
          thingTypeName: 'sensor',
          attributePayload: { attributes },
        }),
      ),
    );

    // Assess
    expect(shapeOf(error)).toEqual({
      name: 'InvalidRequestException',
      status: 400,
      message: 'A thing with a thing type can have at most 50 attributes; got 51',
    });
  });

  it('refuses a deprecated thing type for a new thing', async () => {
    // Prepare
    await iot.send(new CreateThingTypeCommand({ thingTypeName: 'old' }));
    await iot.send(new DeprecateThingTypeCommand({ thingTypeName: 'old' }));

    // Act
    const error = await errorOf(
      iot.send(new CreateThingCommand({ thingName: 'dev-old', thingTypeName: 'old' })),
    );
    const type = await iot.send(new DescribeThingTypeCommand({ thingTypeName: 'old' }));

    // Assess
    expect(shapeOf(error)).toEqual({
      name: 'InvalidRequestException',
      status: 400,
      message: 'Thing type old is deprecated; no thing can be associated with it',
    });
    expect(type.thingTypeMetadata?.deprecated).toBe(true);
  });

  it('merges attributes on UpdateThing, removes empty ones, bumps the version and checks expectedVersion', async () => {
    // Prepare
    await iot.send(
      new CreateThingCommand({ thingName: 'dev-up', attributePayload: { attributes: { a: '1', b: '2' } } }),
    );

    // Act
    await iot.send(
      new UpdateThingCommand({
        thingName: 'dev-up',
        expectedVersion: 1,
        attributePayload: { attributes: { b: '', c: '3' }, merge: true },
      }),
    );
    const conflict = await errorOf(
      iot.send(new UpdateThingCommand({ thingName: 'dev-up', expectedVersion: 1 })),
    );

    // Assess
    expect(sandbox.iot.thing('dev-up')).toMatchObject({ attributes: { a: '1', c: '3' }, version: 2 });
    expect(shapeOf(conflict)).toEqual({
      name: 'VersionConflictException',
      status: 409,
      message: 'The version for thing dev-up does not match the expected version.',
    });
  });

  it('adds a thing to a static group once (a repeat is a no-op) and lists and removes it', async () => {
    // Prepare
    await iot.send(new CreateThingCommand({ thingName: 'dev-g' }));

    // Act
    await iot.send(new AddThingToThingGroupCommand({ thingName: 'dev-g', thingGroupName: 'plant-1' }));
    await iot.send(
      new AddThingToThingGroupCommand({
        thingArn: `${ARN}:thing/dev-g`,
        thingGroupArn: `${ARN}:thinggroup/plant-1`,
      }),
    );
    const listed = await iot.send(new ListThingGroupsForThingCommand({ thingName: 'dev-g' }));
    await iot.send(new RemoveThingFromThingGroupCommand({ thingName: 'dev-g', thingGroupName: 'plant-1' }));

    // Assess
    expect(listed.thingGroups).toEqual([{ groupName: 'plant-1', groupArn: `${ARN}:thinggroup/plant-1` }]);
    expect(sandbox.iot.thing('dev-g')?.thingGroups).toEqual([]);
  });

  it('answers ResourceNotFoundException (404) for a missing thing group', async () => {
    // Prepare
    await iot.send(new CreateThingCommand({ thingName: 'dev-ng' }));

    // Act
    const error = await errorOf(
      iot.send(new AddThingToThingGroupCommand({ thingName: 'dev-ng', thingGroupName: 'plant-9' })),
    );
    const describe = await errorOf(iot.send(new DescribeThingGroupCommand({ thingGroupName: 'plant-9' })));

    // Assess
    expect(shapeOf(error)).toEqual({
      name: 'ResourceNotFoundException',
      status: 404,
      message: 'Thing group plant-9 does not exist',
    });
    expect(shapeOf(describe)).toEqual(shapeOf(error));
  });

  it('limits a thing to 10 thing groups', async () => {
    // Prepare
    await iot.send(new CreateThingCommand({ thingName: 'dev-many' }));
    for (let i = 0; i < 11; i += 1) await iot.send(new CreateThingGroupCommand({ thingGroupName: `g${i}` }));
    for (let i = 0; i < 10; i += 1)
      await iot.send(new AddThingToThingGroupCommand({ thingName: 'dev-many', thingGroupName: `g${i}` }));

    // Act
    const error = await errorOf(
      iot.send(new AddThingToThingGroupCommand({ thingName: 'dev-many', thingGroupName: 'g10' })),
    );

    // Assess
    expect(shapeOf(error)).toEqual({
      name: 'InvalidRequestException',
      status: 400,
      message: 'Thing dev-many cannot be added to more than 10 thing groups',
    });
  });

  it('describes a dynamic group with its query and refuses to add a thing to it', async () => {
    // Prepare
    await iot.send(
      new CreateDynamicThingGroupCommand({ thingGroupName: 'dyn', queryString: 'attributes.a:1' }),
    );
    await iot.send(new CreateThingCommand({ thingName: 'dev-dyn' }));

    // Act
    const described = await iot.send(new DescribeThingGroupCommand({ thingGroupName: 'dyn' }));
    const error = await errorOf(
      iot.send(new AddThingToThingGroupCommand({ thingName: 'dev-dyn', thingGroupName: 'dyn' })),
    );

    // Assess
    expect(described).toMatchObject({
      thingGroupName: 'dyn',
      queryString: 'attributes.a:1',
      indexName: 'AWS_Things',
      status: 'ACTIVE',
    });
    expect(shapeOf(error)).toEqual({
      name: 'InvalidRequestException',
      status: 400,
      message: 'Cannot add a thing to dynamic thing group dyn',
    });
  });

  it('describes a static group without a query string, and answers an identical CreateThingGroup with the same group', async () => {
    // Act
    const again = await iot.send(new CreateThingGroupCommand({ thingGroupName: 'plant-1' }));
    const described = await iot.send(new DescribeThingGroupCommand({ thingGroupName: 'plant-1' }));

    // Assess
    expect(again.thingGroupId).toBe(described.thingGroupId);
    expect(described.queryString).toBeUndefined();
    expect(described.thingGroupArn).toBe(`${ARN}:thinggroup/plant-1`);
  });

  it('puts a thing in a billing group and describes the group', async () => {
    // Prepare
    await iot.send(new CreateThingCommand({ thingName: 'dev-b' }));

    // Act
    await iot.send(new AddThingToBillingGroupCommand({ thingName: 'dev-b', billingGroupName: 'tier-1' }));
    const thing = await iot.send(new DescribeThingCommand({ thingName: 'dev-b' }));
    const group = await iot.send(new DescribeBillingGroupCommand({ billingGroupName: 'tier-1' }));

    // Assess
    expect(thing.billingGroupName).toBe('tier-1');
    expect(group).toMatchObject({
      billingGroupName: 'tier-1',
      billingGroupArn: `${ARN}:billinggroup/tier-1`,
      version: 1,
    });
  });
});
