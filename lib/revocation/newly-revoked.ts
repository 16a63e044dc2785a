/**
 * The serials a new CRL revokes that an earlier CRL of the same CA did not (pure). Streams in
 * batches so that a 1,000,000-entry CRL costs one batch of strings at a time: each entry is one
 * O(1), allocation-free probe of the earlier CRL's index.
 */
import type { VerifiedCrl } from '../crl/types.js';
import { canonicalSerialHex } from '../ledger/record.js';

/** BatchGetItem reads at most 100 keys per call (DynamoDB API reference). */
export const LEDGER_BATCH_SIZE = 100;

/**
 * Yields the serials (canonical hex, see {@link canonicalSerialHex}) listed in `current` and not
 * in `base`, in CRL order, at most `batchSize` per batch. With `base` null every serial of
 * `current` is new (first sweep, or the earlier CRL cannot be read).
 *
 * @example
 * for (const serials of newlyRevokedBatches(crl, previousCrl)) await lookUp(serials);
 */
export function* newlyRevokedBatches(
  current: Pick<VerifiedCrl, 'serials'>,
  base: Pick<VerifiedCrl, 'has'> | null,
  batchSize: number = LEDGER_BATCH_SIZE,
): Generator<string[]> {
  if (!Number.isSafeInteger(batchSize) || batchSize < 1) {
    throw new RangeError(`batchSize must be a positive integer, got ${batchSize}`);
  }
  let batch: string[] = [];
  for (const serial of current.serials()) {
    if (base?.has(serial)) continue;
    batch.push(canonicalSerialHex(serial));
    if (batch.length === batchSize) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}
