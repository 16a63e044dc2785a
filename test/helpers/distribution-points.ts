// cRLDistributionPoints (certificates) and issuingDistributionPoint (CRLs) naming URIs, for the
// CRL-scope tests (issue 9): a partitioned CRL covers only certificates that name its point.
import { sequence, tlv } from '../../lib/pki/der-writer.js';
import type { RawExtension } from '../../lib/pki/index.js';

/** `distributionPoint [0] { fullName [0] { uniformResourceIdentifier [6] … } }`. */
function fullNameOf(uris: readonly string[]): Buffer {
  return tlv(0xa0, tlv(0xa0, ...uris.map((uri) => tlv(0x86, Buffer.from(uri, 'latin1')))));
}

/** A certificate's cRLDistributionPoints with one point per URI list. */
export function crlDistributionPointsExtension(...points: (readonly string[])[]): RawExtension {
  return {
    oid: '2.5.29.31',
    critical: false,
    value: sequence(...points.map((uris) => sequence(fullNameOf(uris)))),
  };
}

/** A CRL's critical issuingDistributionPoint naming these URIs (and onlyContainsUserCerts). */
export function issuingDistributionPointExtension(uris: readonly string[]): RawExtension {
  return {
    oid: '2.5.29.28',
    critical: true,
    value: sequence(fullNameOf(uris), tlv(0x81, Buffer.from([0xff]))),
  };
}
