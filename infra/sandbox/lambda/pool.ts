import type { Container } from './container.js';

/**
 * Lambda's execution environments for one function: reuse a free one (warm), create one
 * while under the concurrency limit (cold start), otherwise queue the invocation.
 */
export class ContainerPool {
  private readonly containers: Container[] = [];
  /** Containers handed to an invocation (or a waiter) and not yet released. */
  private readonly reserved = new Set<Container>();
  private readonly waiting: Array<(c: { container: Container; cold: boolean }) => void> = [];

  constructor(
    private readonly max: number,
    private readonly create: (index: number) => Container,
  ) {}

  /** Number of containers created so far (cold starts). */
  get created(): number {
    return this.containers.length;
  }

  acquire(): Promise<{ container: Container; cold: boolean }> {
    const free = this.containers.find((c) => c.alive && !this.reserved.has(c));
    if (free !== undefined) {
      this.reserved.add(free);
      return Promise.resolve({ container: free, cold: false });
    }
    if (this.containers.filter((c) => c.alive).length < this.max) {
      const container = this.create(this.containers.length);
      this.containers.push(container);
      this.reserved.add(container);
      return Promise.resolve({ container, cold: true });
    }
    return new Promise((done) => this.waiting.push(done));
  }

  release(container: Container): void {
    const next = this.waiting.shift();
    if (!container.alive) {
      // The container died (timeout, crash): a waiter gets a fresh one.
      this.reserved.delete(container);
      if (next !== undefined) void this.acquire().then(next);
      return;
    }
    if (next !== undefined) next({ container, cold: false });
    else this.reserved.delete(container);
  }

  async stop(): Promise<void> {
    await Promise.all(this.containers.map((c) => c.stop()));
  }
}
