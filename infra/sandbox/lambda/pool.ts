import type { Container } from './container.js';

/**
 * Lambda's execution environments for one function, up to the concurrency limit (the
 * account's concurrency in the sandbox). An invocation gets an idle environment — any of them,
 * not the warmest or the first: Lambda promises no placement, so module state must never
 * assume which container runs next — or a new one while under the limit (a cold start).
 * At the limit every invocation is throttled (`tryAcquire` → null): asynchronous and
 * event-source ones are retried by Lambda, synchronous ones are refused with a 429.
 */
export class ContainerPool {
  private readonly containers: Container[] = [];
  /** Containers handed to an invocation (or a waiter) and not yet released. */
  private readonly reserved = new Set<Container>();

  constructor(
    private readonly max: number,
    private readonly create: (index: number) => Container,
    private readonly random: () => number = Math.random,
  ) {
    if (!Number.isSafeInteger(max) || max < 1) throw new RangeError('containers must be a positive integer');
  }

  /** Number of containers created so far (cold starts). */
  get created(): number {
    return this.containers.length;
  }

  /** Containers running an invocation now. */
  get busy(): number {
    return this.reserved.size;
  }

  /** An idle or new container, or null at the concurrency limit (a throttle). */
  tryAcquire(): { container: Container; cold: boolean } | null {
    const idle = this.containers.filter((c) => c.alive && !this.reserved.has(c));
    if (idle.length > 0) {
      const container = idle[Math.min(idle.length - 1, Math.floor(this.random() * idle.length))] as Container;
      this.reserved.add(container);
      return { container, cold: false };
    }
    if (this.containers.filter((c) => c.alive).length < this.max) {
      const container = this.create(this.containers.length);
      this.containers.push(container);
      this.reserved.add(container);
      return { container, cold: true };
    }
    return null;
  }

  /** The container is idle again (a dead one — timeout, crash — is replaced on demand). */
  release(container: Container): void {
    this.reserved.delete(container);
  }

  async stop(): Promise<void> {
    await Promise.all(this.containers.map((c) => c.stop()));
  }
}
