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
      messages: [],
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

  it('says where a queue-path group is explained from: the redrive source and the registration-state table', () => {
    // Prepare
    const plan = {
      received: 3,
      groups: [
        {
          reason: 'AccessDenied',
          count: 2,
          remedies: ['Add the statement to the role.'],
          steps: ['thing'],
          fromTable: 2,
          redrivenFrom: ['jitr-ingest'],
        },
        {
          reason: 'no error recorded: the registration-state table has no record of this certificate',
          count: 1,
          remedies: [],
          redrivenFrom: ['jitr-ingest'],
        },
      ],
      messages: [],
      unknown: [],
      skipped: 0,
      certificates: 3,
    };
    // Act
    const text = formatPlan(plan);
    // Assess
    expect(text.split('\n')).toEqual([
      '3 messages received from the DLQ',
      '      2 events: AccessDenied',
      '               step: thing',
      '               remedy: Add the statement to the role.',
      '               source: moved here by the redrive of jitr-ingest (the bare event, no error); 2 errors as the handler recorded them in the registration-state table',
      '      1 event:  no error recorded: the registration-state table has no record of this certificate',
      '               source: moved here by the redrive of jitr-ingest (the bare event, no error)',
      '3 distinct certificate(s) to replay',
    ]);
  });
});
