import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  GetObjectCommand,
  type GetObjectCommandOutput,
  NoSuchKey,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import type { JitrLogger } from '../../../lib/observability.js';
import type { ProvisioningTemplateDescription } from '../../../lib/provisioning/iot-registry.js';
import { render } from '../../../lib/template/render.js';
import {
  TemplateSourceUnavailableError,
  TemplateSourceUnreadableError,
} from '../../../lib/template-source/errors.js';
import { type ObjectReader, s3ObjectReader } from '../../../lib/template-source/object-reader.js';
import { formatTemplateSourceRef, parseTemplateSourceRef } from '../../../lib/template-source/source-ref.js';
import {
  createTemplateSource,
  type TemplateSourceOptions,
} from '../../../lib/template-source/template-source.js';
import defaultTemplate from '../../../lib/template-source/templates/default.json' with { type: 'json' };
import { expectJitrError } from '../../helpers/expect-jitr-error.js';

const CA_A = 'a'.repeat(64);
const CA_B = 'b'.repeat(64);
const T0 = new Date('2026-11-22T05:00:00Z');

class Objects implements ObjectReader {
  readonly reads: string[] = [];
  readonly bodies = new Map<string, string>();
  failure: Error | null = null;
  async getObjectText(bucket: string, key: string): Promise<string> {
    this.reads.push(`${bucket}/${key}`);
    await Promise.resolve();
    if (this.failure !== null) throw this.failure;
    const body = this.bodies.get(`${bucket}/${key}`);
    if (body === undefined)
      throw new TemplateSourceUnreadableError(`s3://${bucket}/${key}`, {
        kind: 'object-missing',
        awsErrorName: 'NoSuchKey',
      });
    return body;
  }
}

const silent: JitrLogger = { debug() {}, info() {}, warn() {}, error() {} };

function setUp(overrides: Partial<TemplateSourceOptions> = {}) {
  const objects = new Objects();
  const now = { value: T0 };
  const described: string[] = [];
  const iot = {
    async describeProvisioningTemplate(name: string): Promise<ProvisioningTemplateDescription> {
      described.push(name);
      return { templateName: name, templateBody: '{"Resources":{}}', type: 'JITP', enabled: true };
    },
  };
  const source = createTemplateSource({
    defaultSource: { kind: 'bundled', name: 'default' },
    byCa: {},
    refreshSeconds: 60,
    objects,
    iot,
    clock: () => now.value,
    logger: silent,
    ...overrides,
  });
  return { source, objects, now, described };
}

describe('parseTemplateSourceRef', () => {
  it.each([
    ['bundled:default', { kind: 'bundled', name: 'default' }],
    ['file:templates/plant.json', { kind: 'file', path: 'templates/plant.json' }],
    [
      's3://my-bucket/templates/plant-7.json',
      { kind: 's3', bucket: 'my-bucket', key: 'templates/plant-7.json' },
    ],
    ['iot:plant_template-7', { kind: 'iot', templateName: 'plant_template-7' }],
  ])('parses %s and formats it back', (text, want) => {
    const ref = parseTemplateSourceRef(text);
    expect(ref).toEqual(want);
    expect(ref === null ? null : formatTemplateSourceRef(ref)).toBe(text);
  });

  it.each([
    '',
    'default',
    's3://',
    's3://bucket',
    's3://bucket/',
    's3://B/key',
    'iot:',
    'iot:a b',
    'file:',
    'bundled:UP',
    'https://x/y',
  ])('rejects %j', (text) => {
    expect(parseTemplateSourceRef(text)).toBe(null);
  });
});

describe('createTemplateSource', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('serves the bundled default template, which renders with a certificate CN', async () => {
    // Prepare
    const { source } = setUp();
    // Act
    const loaded = await source.forCa(CA_A);
    const plan = render(loaded.template, {
      'AWS::IoT::Certificate::CommonName': 'dev-001',
      'AWS::IoT::Certificate::Id': 'c'.repeat(64),
    });
    // Assess
    expect(loaded).toEqual({ source: 'bundled:default', template: defaultTemplate });
    expect(plan.thing?.thingName).toBe('dev-001');
    expect(plan.certificate?.status).toBe('ACTIVE');
    expect(plan.policies).toHaveLength(1);
    // A policy variable, not a certificate value: the device's own thing name, resolved by AWS IoT.
    const thingNameVariable = ['$', '{iot:Connection.Thing.ThingName}'].join('');
    expect(JSON.stringify(plan.policies[0]?.policyDocument)).toContain(`client/${thingNameVariable}`);
  });

  it('picks the per-CA source and falls back to the default for other CAs', async () => {
    // Prepare
    const { source, objects } = setUp({
      byCa: { [CA_B]: { kind: 's3', bucket: 'tpl', key: 'plant-7.json' } },
    });
    objects.bodies.set('tpl/plant-7.json', '{"Resources":{"x":1}}');
    // Act
    const forB = await source.forCa(CA_B.toUpperCase());
    const forA = await source.forCa(CA_A);
    // Assess
    expect(forB).toEqual({ source: 's3://tpl/plant-7.json', template: { Resources: { x: 1 } } });
    expect(forA.source).toBe('bundled:default');
  });

  it('reads a file source once', async () => {
    // Prepare
    const dir = mkdtempSync(join(tmpdir(), 'jitr-tpl-'));
    dirs.push(dir);
    const path = join(dir, 'plant.json');
    writeFileSync(path, '{"Resources":{}}');
    const { source } = setUp({ defaultSource: { kind: 'file', path } });
    // Act
    const first = await source.forCa(CA_A);
    writeFileSync(path, 'changed');
    const second = await source.forCa(CA_A);
    // Assess
    expect(first.template).toEqual({ Resources: {} });
    expect(second.template).toEqual({ Resources: {} });
  });

  it('reports a missing file and invalid JSON as TemplateSourceUnreadable', async () => {
    // Prepare
    const dir = mkdtempSync(join(tmpdir(), 'jitr-tpl-'));
    dirs.push(dir);
    writeFileSync(join(dir, 'bad.json'), '{not json');
    const missing = setUp({ defaultSource: { kind: 'file', path: join(dir, 'none.json') } }).source;
    const invalid = setUp({ defaultSource: { kind: 'file', path: join(dir, 'bad.json') } }).source;
    // Act
    const errors = [await expectJitrError(missing.forCa(CA_A)), await expectJitrError(invalid.forCa(CA_A))];
    // Assess
    expect(errors.map((e) => [e.code, e.disposition, e.step])).toEqual([
      ['TemplateSourceUnreadable', 'configuration', 'template-load'],
      ['TemplateSourceUnreadable', 'configuration', 'template-load'],
    ]);
    expect(errors[0]?.message).toContain('ENOENT');
    expect(errors[1]?.message).toContain('not valid JSON');
  });

  it('reports an unknown bundled template', async () => {
    const { source } = setUp({ defaultSource: { kind: 'bundled', name: 'nope' } });
    const error = await expectJitrError(source.forCa(CA_A));
    expect(error.code).toBe('TemplateSourceUnreadable');
    expect(error.message).toBe(
      'template source bundled:nope is unreadable: no bundled template of that name (bundled: default)',
    );
  });

  it('reads an iot: source through DescribeProvisioningTemplate and caches it', async () => {
    // Prepare
    const { source, described } = setUp({ defaultSource: { kind: 'iot', templateName: 'plant' } });
    // Act
    const first = await source.forCa(CA_A);
    await source.forCa(CA_A);
    // Assess
    expect(first).toEqual({ source: 'iot:plant', template: '{"Resources":{}}' });
    expect(described).toEqual(['plant']);
  });

  it('re-reads an S3 template after the refresh interval, sharing one read between concurrent callers', async () => {
    // Prepare
    const { source, objects, now } = setUp({ defaultSource: { kind: 's3', bucket: 'tpl', key: 't.json' } });
    objects.bodies.set('tpl/t.json', '{"v":1}');
    // Act
    const concurrent = await Promise.all([source.forCa(CA_A), source.forCa(CA_B)]);
    now.value = new Date(T0.getTime() + 59_000);
    const cached = await source.forCa(CA_A);
    objects.bodies.set('tpl/t.json', '{"v":2}');
    now.value = new Date(T0.getTime() + 60_000);
    const refreshed = await source.forCa(CA_A);
    // Assess
    expect(concurrent.map((l) => l.template)).toEqual([{ v: 1 }, { v: 1 }]);
    expect(cached.template).toEqual({ v: 1 });
    expect(refreshed.template).toEqual({ v: 2 });
    expect(objects.reads).toEqual(['tpl/t.json', 'tpl/t.json']);
  });

  it('keeps serving the cached copy when a refresh fails transiently, but not when it fails for good', async () => {
    // Prepare
    const warnings: string[] = [];
    const logger: JitrLogger = { ...silent, warn: (message) => warnings.push(message) };
    const { source, objects, now } = setUp({
      defaultSource: { kind: 's3', bucket: 'tpl', key: 't.json' },
      logger,
    });
    objects.bodies.set('tpl/t.json', '{"v":1}');
    await source.forCa(CA_A);
    // Act
    now.value = new Date(T0.getTime() + 120_000);
    objects.failure = new TemplateSourceUnavailableError('s3://tpl/t.json', 'SlowDown');
    const stale = await source.forCa(CA_A);
    objects.failure = new TemplateSourceUnreadableError('s3://tpl/t.json', {
      kind: 'access-denied',
      bucket: 'tpl',
      key: 't.json',
      awsErrorName: 'AccessDenied',
    });
    const error = await expectJitrError(source.forCa(CA_A));
    // Assess
    expect(stale.template).toEqual({ v: 1 });
    expect(warnings).toEqual(['template refresh failed; serving the cached copy']);
    expect(error.code).toBe('TemplateSourceUnreadable');
  });
});

describe('s3ObjectReader', () => {
  const s3 = mockClient(S3Client);
  afterEach(() => s3.reset());

  // The reader only uses the SDK stream's transformToString.
  function body(text: string) {
    return { transformToString: async () => text } as unknown as GetObjectCommandOutput['Body'];
  }

  it('returns the object text', async () => {
    s3.on(GetObjectCommand, { Bucket: 'tpl', Key: 't.json' }).resolves({ Body: body('{"a":1}') });
    const text = await s3ObjectReader(new S3Client({ region: 'eu-west-1' })).getObjectText('tpl', 't.json');
    expect(text).toBe('{"a":1}');
  });

  it.each([
    [
      new NoSuchKey({ message: 'The specified key does not exist.', $metadata: {} }),
      'TemplateSourceUnreadable',
      'NoSuchKey',
    ],
    [
      new S3ServiceException({
        name: 'AccessDenied',
        $fault: 'client',
        message: 'Access Denied',
        $metadata: {},
      }),
      'TemplateSourceUnreadable',
      'AccessDenied',
    ],
    [
      new S3ServiceException({
        name: 'SlowDown',
        $fault: 'server',
        message: 'Please reduce your request rate.',
        $metadata: {},
      }),
      'TemplateSourceUnavailable',
      'SlowDown',
    ],
  ])('translates %s', async (error, code, awsErrorName) => {
    s3.on(GetObjectCommand).rejects(error);
    const failure = await expectJitrError(
      s3ObjectReader(new S3Client({ region: 'eu-west-1' })).getObjectText('tpl', 't.json'),
    );
    expect([failure.code, failure.awsErrorName]).toEqual([code, awsErrorName]);
  });
});
