import { describe, expect, it } from 'vitest';
import { formatPlan } from '../../../lib/operations/replay/format.js';

describe('formatPlan', () => {
  it('prints each group by code with every distinct remedy its records carry, and none for a group without one', () => {
    // Prepare
    const plan = {
      received: 5,
      groups: [
        {
          reason: 'ThingGroupNotFound',
          count: 4,
          remedies: ['Create the thing group plant-7.', 'Create the thing group plant-8.'],
        },
        { reason: 'no failure recorded', count: 1, remedies: [] },
      ],
      unknown: [],
      skipped: 0,
      certificates: 2,
    };
    // Act
    const text = formatPlan(plan);
    // Assess
    expect(text.split('\n')).toEqual([
      '5 messages received from the DLQ',
      '      4 events: ThingGroupNotFound',
      '               remedy: Create the thing group plant-7.',
      '               remedy: Create the thing group plant-8.',
      '      1 event:  no failure recorded',
      '2 distinct certificate(s) to replay',
    ]);
  });
});
