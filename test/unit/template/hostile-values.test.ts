// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these tests write Fn::Sub and policy-variable text literally.
// The defect classes of issue 9, one example each; the invariants themselves are the properties
// in taint.property.test.ts.
import { describe, expect, it } from 'vitest';
import { certificatePolicyVariables, parseCertificate } from '../../../lib/certificate/index.js';
import { issueDeviceCertificate } from '../../../lib/pki/index.js';
import { checkTemplate } from '../../../lib/template/check.js';
import { MAX_TEMPLATE_DEPTH } from '../../../lib/template/depth.js';
import { parseTemplate } from '../../../lib/template/parse.js';
import { render } from '../../../lib/template/render.js';
import { ecCa } from '../../helpers/pki-fixtures.js';
import { expectError, policyTemplate } from './helpers.js';

const CN = 'AWS::IoT::Certificate::CommonName';
const OU = 'AWS::IoT::Certificate::OrganizationalUnit';
const ARN = 'arn:aws:iot:eu-west-1:123456789012';
const DOC = 'Resources.policy.Properties.PolicyDocument';

/** `topicfilter/devices/<first piece of the CN>*`, as in the issue. */
const FIRST_PIECE_DOCUMENT = {
  Version: '2012-10-17',
  Statement: [
    {
      Effect: 'Allow',
      Action: 'iot:Subscribe',
      Resource: {
        'Fn::Join': [
          '',
          [`${ARN}:topicfilter/devices/`, { 'Fn::Select': [0, { 'Fn::Split': ['-', { Ref: CN }] }] }, '*'],
        ],
      },
    },
  ],
};

function subscribe(resource: unknown) {
  return {
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Action: 'iot:Subscribe', Resource: resource }],
  };
}

describe('pieces of a certificate value stay certificate-derived, even when empty', () => {
  it('renders the first piece of an ordinary CN', () => {
    const plan = render(policyTemplate(FIRST_PIECE_DOCUMENT), { [CN]: 'lamp-7' });
    expect(plan.policies[0]?.policyDocument).toEqual(subscribe(`${ARN}:topicfilter/devices/lamp*`));
  });

  it.each([
    ['a leading delimiter (the issue: CN "-fleet")', '-fleet'],
    ['an empty value', ''],
    ['a delimiter only', '-'],
  ])('refuses the empty piece of %s instead of widening to devices/*', (_name, cn) => {
    expectError(() => render(policyTemplate(FIRST_PIECE_DOCUMENT), { [CN]: cn }), {
      code: 'UnsafeCertificateValue',
      disposition: 'rejected',
      path: `${DOC}.Statement[0].Resource`,
    });
  });

  it.each([
    ['a trailing delimiter', 'a-'],
    ['a doubled delimiter', 'a--b'],
  ])('refuses the empty piece after %s', (_name, cn) => {
    const document = subscribe({
      'Fn::Join': [
        '',
        [`${ARN}:topicfilter/devices/`, { 'Fn::Select': [1, { 'Fn::Split': ['-', { Ref: CN }] }] }, '*'],
      ],
    });
    expectError(() => render(policyTemplate(document), { [CN]: cn }), { code: 'UnsafeCertificateValue' });
  });

  it('blames the device, not the template, for an empty piece used as a thing name or group', () => {
    const piece = { 'Fn::Select': [0, { 'Fn::Split': ['-', { Ref: CN }] }] };
    const template = {
      Parameters: { [CN]: { Type: 'String' } },
      Resources: {
        thing: { Type: 'AWS::IoT::Thing', Properties: { ThingName: piece, ThingGroups: [piece] } },
      },
    };
    expectError(() => render(template, { [CN]: '-x' }), {
      code: 'UnsafeCertificateValue',
      disposition: 'rejected',
      path: 'Resources.thing.Properties.ThingName',
    });
  });

  it('treats a template piece that follows certificate text as certificate-derived (the certificate picks it)', () => {
    // "${CN}-devices/*": with CN "a-b", index 1 would be "b"; with "lamp", the template's "devices/*".
    const document = subscribe({
      'Fn::Join': [
        '',
        [
          `${ARN}:topicfilter/`,
          { 'Fn::Select': [1, { 'Fn::Split': ['-', { 'Fn::Sub': `\${${CN}}-devices/*` }] }] },
        ],
      ],
    });
    expectError(() => render(policyTemplate(document), { [CN]: 'lamp' }), { code: 'UnsafeCertificateValue' });
  });

  it('keeps a template piece that precedes every certificate character', () => {
    const document = subscribe({
      'Fn::Join': [
        '',
        [{ 'Fn::Select': [0, { 'Fn::Split': ['|', { 'Fn::Sub': `${ARN}:topicfilter/d/*|\${${CN}}` }] }] }],
      ],
    });
    expect(render(policyTemplate(document), { [CN]: 'a|b' }).policies[0]?.policyDocument).toEqual(
      subscribe(`${ARN}:topicfilter/d/*`),
    );
  });

  it('treats a join delimiter as certificate-derived when the certificate decides how many pieces there are', () => {
    // Re-joining the pieces with "/" would let CN "a-b" add a topic level.
    const document = subscribe({
      'Fn::Join': [
        '',
        [`${ARN}:topicfilter/devices/`, { 'Fn::Join': ['/', { 'Fn::Split': ['-', { Ref: CN }] }] }],
      ],
    });
    expect(render(policyTemplate(document), { [CN]: 'lamp' }).policies[0]?.policyDocument).toEqual(
      subscribe(`${ARN}:topicfilter/devices/lamp`),
    );
    expectError(() => render(policyTemplate(document), { [CN]: 'a-b' }), { code: 'UnsafeCertificateValue' });
  });

  it('keeps the delimiters of a template list', () => {
    const document = subscribe({ 'Fn::Join': ['/', [`${ARN}:topicfilter/devices`, { Ref: CN }, '*']] });
    expect(render(policyTemplate(document), { [CN]: 'lamp' }).policies[0]?.policyDocument).toEqual(
      subscribe(`${ARN}:topicfilter/devices/lamp/*`),
    );
  });

  it('treats an element picked by a certificate-supplied index or map key as certificate-derived', () => {
    const bySelect = subscribe({
      'Fn::Select': [{ Ref: CN }, [`${ARN}:topicfilter/own`, `${ARN}:topicfilter/*`]],
    });
    expectError(() => render(policyTemplate(bySelect), { [CN]: '1' }), { code: 'UnsafeCertificateValue' });
    const byMap = {
      ...policyTemplate(subscribe({ 'Fn::FindInMap': ['Scope', { Ref: CN }, 'Resource'] })),
      Mappings: { Scope: { admin: { Resource: `${ARN}:topicfilter/*` }, lamp: { Resource: 'lamp' } } },
    };
    expectError(() => render(byMap, { [CN]: 'admin' }), { code: 'UnsafeCertificateValue' });
    expect(render(byMap, { [CN]: 'lamp' }).policies[0]?.policyDocument).toEqual(subscribe('lamp'));
  });
});

describe('a certificate value never writes a key or decides Effect, Action or Not*', () => {
  it.each([
    ['Effect', '"Effect":"${P}","Action":"iot:Connect","Resource":"*"'],
    ['Action', '"Effect":"Allow","Action":"${P}","Resource":"*"'],
    ['NotResource', '"Effect":"Allow","Action":"iot:Connect","NotResource":"x/${P}"'],
    ['NotAction', '"Effect":"Deny","NotAction":"iot:${P}","Resource":"*"'],
    [
      'a condition operator',
      '"Effect":"Allow","Action":"iot:Connect","Resource":"*","Condition":{"${P}":{"k":"v"}}',
    ],
    ['a key', '"Effect":"Allow","Action":"iot:Connect","${P}":"*"'],
  ])('refuses a Fn::Sub policy that puts a certificate value in %s (template error)', (_name, statement) => {
    const document = {
      'Fn::Sub': `{"Version":"2012-10-17","Statement":[{${statement.replaceAll('${P}', `\${${CN}}`)}}]}`,
    };
    for (const value of ['Allow', 'Resource', 'lamp']) {
      expectError(() => render(policyTemplate(document), { [CN]: value }), {
        code: 'InvalidTemplate',
        disposition: 'configuration',
        path: DOC,
      });
    }
    expectError(() => checkTemplate(policyTemplate(document)), { code: 'InvalidTemplate' });
  });

  it('refuses an object policy whose Effect or Action comes from a certificate', () => {
    const effect = {
      Version: '2012-10-17',
      Statement: [{ Effect: { Ref: CN }, Action: 'iot:Connect', Resource: '*' }],
    };
    expectError(() => render(policyTemplate(effect), { [CN]: 'Allow' }), {
      code: 'InvalidTemplate',
      path: `${DOC}.Statement[0].Effect`,
    });
    const action = {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: [{ Ref: CN }], Resource: '*' }],
    };
    expectError(() => render(policyTemplate(action), { [CN]: 'iot:Connect' }), {
      code: 'InvalidTemplate',
      path: `${DOC}.Statement[0].Action[0]`,
    });
  });

  it('refuses a certificate value inside a policy variable (it would choose what IoT substitutes)', () => {
    const object = subscribe({
      'Fn::Join': ['', [`${ARN}:topicfilter/\${iot:Connection.Thing.Attributes[`, { Ref: CN }, ']}']],
    });
    const text = {
      'Fn::Sub': `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iot:Subscribe","Resource":"${ARN}:topicfilter/\\u0024{iot:Connection.Thing.Attributes[\${${CN}}]}"}]}`,
    };
    for (const [document, path] of [
      [object, `${DOC}.Statement[0].Resource`],
      [text, DOC],
    ] as const) {
      expectError(() => render(policyTemplate(document), { [CN]: 'site' }), {
        code: 'InvalidTemplate',
        path,
      });
      expectError(() => checkTemplate(policyTemplate(document)), { code: 'InvalidTemplate' });
    }
  });

  it('allows certificate values in a condition value', () => {
    const document = {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Action: 'iot:Connect',
          Resource: '*',
          Condition: { StringEquals: { 'iot:ClientId': [{ Ref: CN }] } },
        },
      ],
    };
    expect(render(policyTemplate(document), { [CN]: 'lamp' }).policies[0]?.policyDocument).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Action: 'iot:Connect',
          Resource: '*',
          Condition: { StringEquals: { 'iot:ClientId': ['lamp'] } },
        },
      ],
    });
  });
});

describe('JITP policy conditions', () => {
  it('accepts Condition inside an object PolicyDocument and renders it as written', () => {
    const document = {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Action: 'iot:Connect',
          Resource: `${ARN}:client/\${iot:Connection.Thing.ThingName}`,
          Condition: { Bool: { 'iot:Connection.Thing.IsAttached': 'true' } },
        },
      ],
    };
    expect(render(policyTemplate(document, []), {}).policies[0]?.policyDocument).toEqual(document);
  });

  it('still refuses Conditions and Fn::If at template level and Condition as a function', () => {
    expectError(() => parseTemplate({ ...policyTemplate({}), Conditions: {} }), {
      code: 'UnsupportedTemplateFeature',
    });
    expectError(
      () =>
        parseTemplate({
          Resources: {
            thing: { Type: 'AWS::IoT::Thing', Properties: { ThingName: { 'Fn::If': ['c', 'a', 'b'] } } },
          },
        }),
      { code: 'UnsupportedTemplateFeature' },
    );
  });
});

describe('thing attributes that a policy reads back', () => {
  const ATTRIBUTE_DOCUMENT = subscribe(
    `${ARN}:topicfilter/sites/\${iot:Connection.Thing.Attributes[site]}/*`,
  );
  function siteTemplate(metadata?: Record<string, unknown>) {
    return {
      ...(metadata === undefined ? {} : { Metadata: metadata }),
      Parameters: { [CN]: { Type: 'String' }, [OU]: { Type: 'String' } },
      Resources: {
        thing: {
          Type: 'AWS::IoT::Thing',
          Properties: { ThingName: { Ref: CN }, AttributePayload: { site: { Ref: OU }, model: { Ref: OU } } },
        },
        policy: { Type: 'AWS::IoT::Policy', Properties: { PolicyDocument: ATTRIBUTE_DOCUMENT } },
      },
    };
  }

  it.each([
    ['#', '#'],
    ['a level separator', 'a/b'],
    ['an empty value', ''],
  ])('rejects %s in an attribute the policy reads (AWS would allow it as an attribute)', (_name, ou) => {
    expectError(() => render(siteTemplate(), { [CN]: 'lamp', [OU]: ou }), {
      code: 'UnsafeCertificateValue',
      disposition: 'rejected',
      path: 'Resources.thing.Properties.AttributePayload.site',
    });
  });

  it('leaves attributes no policy reads to the AWS attribute rule', () => {
    const template = siteTemplate();
    template.Resources.policy.Properties.PolicyDocument = subscribe(`${ARN}:topicfilter/x`);
    expect(render(template, { [CN]: 'lamp', [OU]: 'a/b#' }).thing?.attributes).toEqual({
      site: 'a/b#',
      model: 'a/b#',
    });
  });

  it('lets a template opt one attribute out, and check warns about it', () => {
    const template = siteTemplate({ 'JITR::UncheckedPolicyAttributes': ['site'] });
    expect(render(template, { [CN]: 'lamp', [OU]: '#' }).thing?.attributes.site).toBe('#');
    expect(checkTemplate(template).warnings).toEqual([
      expect.objectContaining({ code: 'UncheckedPolicyAttribute', path: 'Resources.policy' }),
    ]);
  });

  it('check warns when a policy reads a certificate-filled attribute', () => {
    expect(checkTemplate(siteTemplate()).warnings).toEqual([
      expect.objectContaining({ code: 'PolicyReadsCertificateAttribute', path: 'Resources.policy' }),
    ]);
  });

  it('refuses Metadata other than the opt-out list', () => {
    expectError(() => parseTemplate(siteTemplate({ Other: 1 })), {
      code: 'UnsupportedTemplateFeature',
      path: 'Metadata.Other',
    });
  });
});

describe('nesting depth is bounded before any recursion', () => {
  const nested = (depth: number): string => `${'['.repeat(depth)}${']'.repeat(depth)}`;

  it('refuses 2,000 nested arrays within 10,240 characters as JSON text, as an object and in a wrapper', () => {
    const text = `{"Resources":{"thing":{"Type":"AWS::IoT::Thing","Properties":{"ThingName":${nested(2000)}}}}}`;
    expect(text.length).toBeLessThan(10240);
    expectError(() => parseTemplate(text), {
      code: 'TemplateLimitExceeded',
      disposition: 'configuration',
      path: '',
    });
    expectError(() => parseTemplate(JSON.parse(text)), { code: 'TemplateLimitExceeded', path: '' });
    expectError(() => parseTemplate({ templateBody: text }), {
      code: 'TemplateLimitExceeded',
      path: 'templateBody',
    });
  });

  it('refuses an object nested 100,000 deep (JSON.stringify alone would overflow)', () => {
    let deep: unknown = 'x';
    for (let i = 0; i < 100_000; i += 1) deep = [deep];
    expectError(() => parseTemplate({ Resources: { t: deep } }), { code: 'TemplateLimitExceeded' });
  });

  it(`accepts nesting up to ${MAX_TEMPLATE_DEPTH} levels and refuses beyond`, () => {
    // Resources › thing › Properties › ThingName is 4 levels; the rest is Fn::Join lists.
    const build = (levels: number): unknown => {
      let node: unknown = 'a';
      for (let i = 0; i < levels; i += 1) node = { 'Fn::Join': ['', [node]] };
      return node;
    };
    const template = (levels: number) => ({
      Resources: { thing: { Type: 'AWS::IoT::Thing', Properties: { ThingName: build(levels) } } },
    });
    // Each Fn::Join adds 3 levels (object, argument list, value list).
    const fits = Math.floor((MAX_TEMPLATE_DEPTH - 3) / 3);
    expect(render(template(fits), {}).thing?.thingName).toBe('a');
    expectError(() => render(template(fits + 1), {}), { code: 'TemplateLimitExceeded' });
  });

  it('refuses a deeply nested policy document built as text', () => {
    const document = { 'Fn::Sub': `{"Version":"2012-10-17","Statement":${nested(3000)}}` };
    expectError(() => render(policyTemplate(document, []), {}), { code: 'TemplateLimitExceeded', path: DOC });
  });
});

describe('certificate policy variables in a template policy', () => {
  const document = subscribe(`${ARN}:topicfilter/devices/\${iot:Certificate.Subject.CommonName}/*`);
  const certificate = (cn: string) => {
    const facts = parseCertificate(
      issueDeviceCertificate({
        ca: ecCa(),
        subject: [{ type: 'CN', value: cn, stringType: 'utf8' }],
        keyType: 'ec',
      }).certificateDer,
    );
    return { certificateVariables: certificatePolicyVariables(facts) };
  };

  it('checks the value AWS would substitute at connect time against the policy-safe set', () => {
    expect(
      render(policyTemplate(document, []), {}, certificate('lamp-1')).policies[0]?.policyDocument,
    ).toEqual(document);
    for (const cn of ['a/b', '#', '']) {
      expectError(() => render(policyTemplate(document, []), {}, certificate(cn)), {
        code: 'UnsafeCertificateValue',
        disposition: 'rejected',
        path: DOC,
      });
    }
  });

  it('check warns that the policy reads a certificate variable', () => {
    expect(checkTemplate(policyTemplate(document, [])).warnings).toEqual([
      expect.objectContaining({ code: 'PolicyReadsCertificateVariable', path: 'Resources.policy' }),
    ]);
  });
});
