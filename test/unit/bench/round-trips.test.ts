// The latency bench's round-trip count from the sandbox's request log (test/bench/latency/).
import { describe, expect, it } from 'vitest';
import type { RequestSpan } from '../../../infra/sandbox/request-log.js';
import { analyse, depths } from '../../bench/latency/round-trips.js';

const span = (
  service: RequestSpan['service'],
  operation: string,
  startedAt: number,
  endedAt: number,
): RequestSpan => ({ service, operation, startedAt, endedAt });

describe('latency bench round trips', () => {
  it('puts requests in flight together in one round trip and a request sent after an answer in the next', () => {
    const spans = [
      span('dynamodb', 'UpdateItem', 0, 50),
      span('iot', 'DescribeCertificate', 1, 52),
      span('iot', 'CreateThing', 53, 104),
      span('iot', 'AttachPolicy', 53.5, 103),
      span('iot', 'AddThingToThingGroup', 105, 156),
      span('iot', 'AddThingToThingGroup', 105, 157),
      span('iot', 'AttachThingPrincipal', 106, 158),
      span('iot', 'UpdateCertificate', 159, 210),
      span('dynamodb', 'UpdateItem', 211, 262),
      span('dynamodb', 'UpdateItem', 263, 313),
    ];
    expect(depths(spans)).toEqual([1, 1, 2, 2, 3, 3, 3, 4, 5, 6]);
    expect(analyse(spans)).toEqual({
      roundTripsToActivation: 4,
      iotCallsToActivation: 7,
      listThingPrincipals: 0,
      dynamodbBeforeActivation: 1,
      requestsAfterActivation: 2,
      roundTripsAfterActivation: 2,
      msToActivation: 210,
      path: [
        'DescribeCertificate + UpdateItem',
        'AttachPolicy + CreateThing',
        'AddThingToThingGroup + AddThingToThingGroup + AttachThingPrincipal',
        'UpdateCertificate',
      ],
    });
  });

  it('counts a request that starts one instant before the other is answered as in flight together', () => {
    const spans = [span('iot', 'DescribeCertificate', 0, 50), span('iot', 'UpdateCertificate', 49.9, 100)];
    expect(depths(spans)).toEqual([1, 1]);
  });

  it('refuses a log without an activation', () => {
    expect(() => analyse([span('iot', 'DescribeCertificate', 0, 50)])).toThrow(
      /no answered UpdateCertificate/,
    );
  });
});
