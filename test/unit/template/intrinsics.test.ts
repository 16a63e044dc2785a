// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these tests write Fn::Sub and policy-variable text literally.
import { describe, expect, it } from 'vitest';
import { render } from '../../../lib/template/render.js';
import { CERT_ID, expectError, policyTemplate } from './helpers.js';

const CN = 'AWS::IoT::Certificate::CommonName';

/** Renders `thingName` (a template expression) with the given declared parameters and values. */
function thingNameOf(
  expression: unknown,
  values: Record<string, string>,
  extra: Record<string, unknown> = {},
) {
  const template = {
    Parameters: Object.fromEntries(Object.keys(values).map((k) => [k, { Type: 'String' }])),
    ...extra,
    Resources: { thing: { Type: 'AWS::IoT::Thing', Properties: { ThingName: expression } } },
  };
  return render(template, values).thing?.thingName;
}

describe('Ref', () => {
  it('substitutes a declared parameter', () => {
    expect(thingNameOf({ Ref: CN }, { [CN]: 'lamp-1' })).toBe('lamp-1');
  });

  it('uses the Default when no value is supplied', () => {
    // Prepare
    const template = {
      Parameters: { Site: { Type: 'String', Default: 'plant-7' } },
      Resources: { thing: { Type: 'AWS::IoT::Thing', Properties: { ThingName: { Ref: 'Site' } } } },
    };
    // Act / Assess
    expect(render(template, {}).thing?.thingName).toBe('plant-7');
  });

  it('prefers the supplied value over the Default', () => {
    // Prepare
    const template = {
      Parameters: { Site: { Type: 'String', Default: 'plant-7' } },
      Resources: { thing: { Type: 'AWS::IoT::Thing', Properties: { ThingName: { Ref: 'Site' } } } },
    };
    // Act / Assess
    expect(render(template, { Site: 'plant-9' }).thing?.thingName).toBe('plant-9');
  });

  it('may name an AWS certificate built-in without declaring it, as the AWS fleet example does', () => {
    // Prepare
    const template = {
      Resources: {
        cert: {
          Type: 'AWS::IoT::Certificate',
          Properties: { CertificateId: { Ref: 'AWS::IoT::Certificate::Id' } },
        },
      },
    };
    // Act
    const plan = render(template, { 'AWS::IoT::Certificate::Id': CERT_ID, Other: 'ignored' });
    // Assess
    expect(plan.parameters).toEqual({ 'AWS::IoT::Certificate::Id': CERT_ID });
    expect(plan.certificate?.certificateId).toBe(CERT_ID);
  });

  it('rejects an undeclared parameter', () => {
    expectError(() => thingNameOf({ Ref: 'Nope' }, { [CN]: 'x' }), {
      code: 'UndeclaredParameter',
      path: 'Resources.thing.Properties.ThingName.Ref',
    });
  });

  it('rejects an undeclared JITR parameter (the project namespace must be declared)', () => {
    expectError(() => thingNameOf({ Ref: 'JITR::Certificate::Locality' }, {}), {
      code: 'UndeclaredParameter',
      path: 'Resources.thing.Properties.ThingName.Ref',
    });
  });

  it('fails with MissingParameter when an undeclared built-in has no value', () => {
    expectError(() => thingNameOf({ Ref: CN }, {}), { code: 'MissingParameter', path: CN });
  });
});

describe('Fn::Join', () => {
  it('joins with a delimiter', () => {
    expect(thingNameOf({ 'Fn::Join': ['-', ['dev', { Ref: CN }, 'x']] }, { [CN]: 'a1' })).toBe('dev-a1-x');
  });

  it('concatenates with an empty delimiter', () => {
    expect(thingNameOf({ 'Fn::Join': ['', ['dev_', { Ref: CN }]] }, { [CN]: 'a1' })).toBe('dev_a1');
  });

  it('rejects a malformed call', () => {
    expectError(() => thingNameOf({ 'Fn::Join': ['-'] }, { [CN]: 'a' }), {
      code: 'InvalidIntrinsic',
      path: 'Resources.thing.Properties.ThingName["Fn::Join"]',
    });
  });
});

describe('Fn::Select and Fn::Split', () => {
  it('selects an element of a split certificate value', () => {
    const expression = { 'Fn::Select': ['1', { 'Fn::Split': ['.', { Ref: CN }] }] };
    expect(thingNameOf(expression, { [CN]: 'acme.lamp-7.eu' })).toBe('lamp-7');
  });

  it('accepts a numeric index and a literal list', () => {
    expect(thingNameOf({ 'Fn::Select': [2, ['a', 'b', 'c']] }, {})).toBe('c');
  });

  it('fails as a template fault on an index out of bounds of a template list', () => {
    const expression = { 'Fn::Select': ['3', { 'Fn::Split': ['.', 'a.b'] }] };
    expectError(() => thingNameOf(expression, {}), {
      code: 'InvalidIntrinsic',
      path: 'Resources.thing.Properties.ThingName["Fn::Select"]',
    });
  });

  it('rejects the device when its value has fewer parts than the index needs', () => {
    const expression = { 'Fn::Select': ['3', { 'Fn::Split': ['.', { Ref: CN }] }] };
    const error = expectError(() => thingNameOf(expression, { [CN]: 'a.b' }), {
      code: 'UnsafeCertificateValue',
      path: 'Resources.thing.Properties.ThingName["Fn::Select"]',
    });
    expect(error.disposition).toBe('rejected');
    expect(error.message).toBe(
      `Fn::Select index 3 is out of bounds (the list has 2 elements): the value of ${CN} decided the lookup`,
    );
  });

  it('rejects the device when its value is an index outside, or not an index of, a template list', () => {
    for (const [index, path] of [
      ['2', 'Resources.thing.Properties.ThingName["Fn::Select"]'],
      ['1', 'Resources.thing.Properties.ThingName["Fn::Select"]'],
      ['one', 'Resources.thing.Properties.ThingName["Fn::Select"][0]'],
      ['', 'Resources.thing.Properties.ThingName["Fn::Select"][0]'],
    ] as const) {
      const expression = { 'Fn::Select': [{ Ref: 'Slot' }, ['a', null]] };
      expectError(() => thingNameOf(expression, { Slot: index }), { code: 'UnsafeCertificateValue', path });
    }
    expect(thingNameOf({ 'Fn::Select': [{ Ref: 'Slot' }, ['a', null]] }, { Slot: '0' })).toBe('a');
  });

  it('keeps a template Default index out of bounds a template fault', () => {
    // Prepare
    const template = {
      Parameters: { Slot: { Type: 'String', Default: '2' } },
      Resources: {
        thing: {
          Type: 'AWS::IoT::Thing',
          Properties: { ThingName: { 'Fn::Select': [{ Ref: 'Slot' }, ['a']] } },
        },
      },
    };
    // Act / Assess
    expectError(() => render(template, {}), {
      code: 'InvalidIntrinsic',
      path: 'Resources.thing.Properties.ThingName["Fn::Select"]',
    });
  });

  it('fails on a null element', () => {
    expectError(() => thingNameOf({ 'Fn::Select': ['1', ['a', null]] }, {}), {
      code: 'InvalidIntrinsic',
      path: 'Resources.thing.Properties.ThingName["Fn::Select"]',
    });
  });

  it('fails on a negative or non-numeric index', () => {
    for (const index of ['-1', 'one', '1.5']) {
      expectError(() => thingNameOf({ 'Fn::Select': [index, ['a', 'b']] }, {}), {
        code: 'InvalidIntrinsic',
        path: 'Resources.thing.Properties.ThingName["Fn::Select"][0]',
      });
    }
  });

  it('rejects an empty Split delimiter', () => {
    expectError(() => thingNameOf({ 'Fn::Select': ['0', { 'Fn::Split': ['', 'ab'] }] }, {}), {
      code: 'InvalidIntrinsic',
      path: 'Resources.thing.Properties.ThingName["Fn::Select"][1]["Fn::Split"]',
    });
  });

  it('rejects a list where a string is needed', () => {
    expectError(() => thingNameOf({ 'Fn::Split': ['-', 'a-b'] }, {}), {
      code: 'InvalidIntrinsic',
      path: 'Resources.thing.Properties.ThingName',
    });
  });
});

describe('Fn::FindInMap', () => {
  const mappings = { Mappings: { Sites: { Berlin: { Prefix: 'ber' }, Paris: { Prefix: 'par' } } } };

  it('looks up a two-level key chosen by a parameter', () => {
    const expression = {
      'Fn::Join': ['-', [{ 'Fn::FindInMap': ['Sites', { Ref: 'City' }, 'Prefix'] }, 'x']],
    };
    expect(thingNameOf(expression, { City: 'Paris' }, mappings)).toBe('par-x');
  });

  it('rejects the device when its value is a key the map does not have', () => {
    const error = expectError(
      () =>
        thingNameOf({ 'Fn::FindInMap': ['Sites', { Ref: 'City' }, 'Prefix'] }, { City: 'Rome' }, mappings),
      {
        code: 'UnsafeCertificateValue',
        path: 'Resources.thing.Properties.ThingName["Fn::FindInMap"]',
      },
    );
    expect(error.disposition).toBe('rejected');
    expect(error.message).toBe(
      'Fn::FindInMap finds no value for ["Sites","Rome","Prefix"] in Mappings: the value of City decided the lookup',
    );
  });

  it('fails as a template fault when a template key misses, even beside a certificate key', () => {
    for (const [expression, values] of [
      [{ 'Fn::FindInMap': ['Sites', 'Rome', 'Prefix'] }, {}],
      [{ 'Fn::FindInMap': ['Sites', { Ref: 'City' }, 'Suffix'] }, { City: 'Paris' }],
      [{ 'Fn::FindInMap': ['Towns', { Ref: 'City' }, 'Prefix'] }, { City: 'Paris' }],
    ] as const) {
      expectError(() => thingNameOf(expression, values, mappings), {
        code: 'InvalidIntrinsic',
        path: 'Resources.thing.Properties.ThingName["Fn::FindInMap"]',
      });
    }
  });

  it('does not find inherited object keys', () => {
    expectError(
      () =>
        thingNameOf(
          { 'Fn::FindInMap': ['Sites', { Ref: 'City' }, 'Prefix'] },
          { City: '__proto__' },
          mappings,
        ),
      {
        code: 'UnsafeCertificateValue',
        path: 'Resources.thing.Properties.ThingName["Fn::FindInMap"]',
      },
    );
    expectError(() => thingNameOf({ 'Fn::FindInMap': ['Sites', '__proto__', 'Prefix'] }, {}, mappings), {
      code: 'InvalidIntrinsic',
      path: 'Resources.thing.Properties.ThingName["Fn::FindInMap"]',
    });
  });
});

describe('Fn::Sub', () => {
  it('substitutes parameters in the string form', () => {
    expect(thingNameOf({ 'Fn::Sub': `dev-\${${CN}}` }, { [CN]: 'a1' })).toBe('dev-a1');
  });

  it('substitutes variables in the list form, variables first', () => {
    const expression = { 'Fn::Sub': ['${Prefix}_${Site}', { Prefix: 'p', Site: { Ref: 'Site' } }] };
    expect(thingNameOf(expression, { Site: 's9' })).toBe('p_s9');
  });

  it('writes ${!Literal} as ${Literal} and leaves ${iot:…} policy variables untouched', () => {
    // Prepare
    const document = {
      'Fn::Sub':
        '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iot:Connect","Resource":"arn:aws:iot:eu-west-1:123456789012:client/${iot:Connection.Thing.ThingName}","Condition":{"StringEquals":{"x":"${!Literal}","cn":"${' +
        CN +
        '}"}}}]}',
    };
    // Act
    const plan = render(policyTemplate(document), { [CN]: 'lamp-1' });
    // Assess
    expect(plan.policies[0]?.policyDocument).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Action: 'iot:Connect',
          Resource: 'arn:aws:iot:eu-west-1:123456789012:client/${iot:Connection.Thing.ThingName}',
          Condition: { StringEquals: { x: '${Literal}', cn: 'lamp-1' } },
        },
      ],
    });
  });

  it('rejects an unknown variable that is not an IoT policy variable', () => {
    expectError(() => thingNameOf({ 'Fn::Sub': 'a-${Unknown}' }, {}), {
      code: 'UndeclaredParameter',
      path: 'Resources.thing.Properties.ThingName["Fn::Sub"]',
    });
  });

  it('rejects an unclosed ${', () => {
    expectError(() => thingNameOf({ 'Fn::Sub': 'a-${x' }, {}), {
      code: 'InvalidIntrinsic',
      path: 'Resources.thing.Properties.ThingName["Fn::Sub"]',
    });
  });

  it('rejects a malformed list form', () => {
    expectError(() => thingNameOf({ 'Fn::Sub': ['a', 'b'] }, {}), {
      code: 'InvalidIntrinsic',
      path: 'Resources.thing.Properties.ThingName["Fn::Sub"]',
    });
  });
});
