/**
 * Runs independent IoT calls together and waits for every one to finish (none is left running
 * unobserved when the step fails), then throws the first failure in input order: the same
 * error whichever call happens to fail first in time.
 */
export async function allSettled(branches: Promise<unknown>[]): Promise<void> {
  const outcomes = await Promise.allSettled(branches);
  const failed = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected');
  if (failed !== undefined) throw failed.reason;
}
