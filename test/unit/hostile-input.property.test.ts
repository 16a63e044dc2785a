// Issue 9's second invariant: any byte string given as a certificate, a CRL or a template yields
// a result or a typed JitrError, never a TypeError, a RangeError or another crash. Inputs are
// random bytes, PEM-looking text, mutations of real DER, and deeply nested JSON. (Bounded time is
// measured by `npm run bench -- hostile`, not asserted here.)
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkExtensions, parseCertificate, verifyIssuedBy } from '../../lib/certificate/index.js';
import { loadCrlIgnoringFreshness } from '../../lib/crl/index.js';
import { isJitrError } from '../../lib/errors/jitr-error.js';
import { buildCrl, issueDeviceCertificate } from '../../lib/pki/index.js';
import { certificateParameters } from '../../lib/template/certificate-parameters.js';
import { render } from '../../lib/template/render.js';
import { ecCa, NOW } from '../helpers/pki-fixtures.js';

/** Runs `fn`; a thrown value must be a JitrError (its code is returned), anything else fails. */
function typed(fn: () => unknown): string {
  try {
    fn();
    return 'ok';
  } catch (error) {
    if (!isJitrError(error)) throw error;
    return error.code;
  }
}

const ca = ecCa();
const caFacts = parseCertificate(ca.certificatePem);
const certificateDer = issueDeviceCertificate({
  ca,
  subject: 'C=DE,O=Example,OU=line-1,CN=dev-1,serialNumber=SN1',
  san: { dns: ['dev-1.example'] },
  keyType: 'ec',
  now: NOW,
}).certificateDer;
const crlDer = buildCrl({
  ca,
  entries: [
    { serial: '0091f0', revocationDate: NOW, reason: 'keyCompromise' },
    { serial: '05', revocationDate: NOW },
  ],
  thisUpdate: NOW,
  nextUpdate: new Date(NOW.getTime() + 86_400_000),
  crlNumber: 3,
});

/** Byte-level mutations of a valid encoding: overwrite, insert and delete at random positions. */
function mutations(original: Buffer): fc.Arbitrary<Buffer> {
  const edit = fc.tuple(
    fc.constantFrom('set', 'insert', 'delete'),
    fc.nat(original.length - 1),
    fc.integer({ min: 0, max: 255 }),
  );
  return fc.array(edit, { minLength: 1, maxLength: 6 }).map((edits) => {
    let bytes = Buffer.from(original);
    for (const [kind, at, value] of edits) {
      const p = at % Math.max(1, bytes.length);
      if (kind === 'set') bytes[p] = value;
      else if (kind === 'insert')
        bytes = Buffer.concat([bytes.subarray(0, p), Buffer.from([value]), bytes.subarray(p)]);
      else bytes = Buffer.concat([bytes.subarray(0, p), bytes.subarray(p + 1)]);
    }
    return bytes;
  });
}

/** Text made of PEM fragments: boundaries, labels, base64, headers, stray dashes. */
const pemText = fc
  .array(
    fc.oneof(
      fc.constantFrom(
        '-----BEGIN CERTIFICATE-----',
        '-----END CERTIFICATE-----',
        '-----BEGIN X509 CRL-----',
        '-----END X509 CRL-----',
        '-----BEGIN ',
        '-----',
        '\n',
        '\r\n',
        ':',
        '=',
        'MIIB',
        'AAAA',
      ),
      fc.base64String({ maxLength: 40 }),
      fc.string({ maxLength: 8 }),
    ),
    { maxLength: 30 },
  )
  .map((parts) => parts.join(''));

const certificateInput = fc.oneof(
  fc.uint8Array({ maxLength: 600 }),
  mutations(certificateDer),
  pemText,
  mutations(certificateDer).map(
    (der) => `-----BEGIN CERTIFICATE-----\n${der.toString('base64')}\n-----END CERTIFICATE-----\n`,
  ),
);

describe('hostile bytes (property)', () => {
  it('a certificate input parses, or fails with a JitrError; what parses can be checked and mapped', () => {
    fc.assert(
      fc.property(certificateInput, (input) => {
        const code = typed(() => {
          const facts = parseCertificate(input);
          const parameters = certificateParameters(facts, facts.sha256);
          for (const value of Object.values(parameters)) expect(typeof value).toBe('string');
          typed(() => verifyIssuedBy(facts, caFacts));
          typed(() => checkExtensions(facts));
        });
        expect(['ok', 'CertificateMalformed']).toContain(code);
      }),
      { numRuns: 1500 },
    );
  });

  it('a CRL input loads, or fails with a JitrError', () => {
    const crlInput = fc.oneof(
      fc.uint8Array({ maxLength: 600 }),
      mutations(crlDer),
      pemText.map((text) => Buffer.from(text, 'latin1')),
    );
    fc.assert(
      fc.property(crlInput, fc.uint8Array({ minLength: 1, maxLength: 3 }), (input, serial) => {
        typed(() => {
          const crl = loadCrlIgnoringFreshness(input, caFacts);
          crl.lookup(serial);
          crl.lookupHex('0091f0');
        });
      }),
      { numRuns: 1500 },
    );
  });

  it('a template input renders, or fails with a JitrError, however deep or odd', () => {
    const nested = fc
      .tuple(fc.integer({ min: 1, max: 5000 }), fc.constantFrom('[', '{"a":'))
      .map(([depth, open]) => `${open.repeat(depth)}1${(open === '[' ? ']' : '}').repeat(depth)}`);
    const template = fc.oneof(
      fc.string({ maxLength: 200 }),
      fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b).toString('latin1')),
      fc.json({ maxDepth: 6 }),
      fc.jsonValue({ maxDepth: 6 }),
      nested,
      nested.map(
        (text) => `{"Resources":{"t":{"Type":"AWS::IoT::Thing","Properties":{"ThingName":${text}}}}}`,
      ),
      nested.map((text) => ({ templateBody: `{"Resources":${text}}` })),
      nested.map((text) => ({
        Resources: { p: { Type: 'AWS::IoT::Policy', Properties: { PolicyDocument: { 'Fn::Sub': text } } } },
      })),
    );
    fc.assert(
      fc.property(
        template,
        fc.dictionary(fc.string({ maxLength: 40 }), fc.string({ maxLength: 40 })),
        (input, values) => {
          typed(() => render(input, values));
          typed(() => render(typeof input === 'string' ? safeParse(input) : input, values));
        },
      ),
      { numRuns: 1500 },
    );
  });
});

function safeParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
