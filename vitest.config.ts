import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';
import { LongestFirstSequencer } from './test/helpers/sequencer.js';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // test/helpers/shared-worker.ts undoes what a file may leave in its worker process.
    setupFiles: ['test/helpers/setup.ts', 'test/helpers/shared-worker.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // One test file more at a time than cores. Vitest's default, one fewer than cores, ran every
    // file one after the other on the 2-core CI machine, while the end-to-end files mostly wait (on
    // the sandbox, child processes, quotas, Lambda retries): with two workers fewer than two of the
    // suite's threads were runnable 31 % of the time, with three 8 % (sampled every 50 ms).
    maxWorkers: availableParallelism() + 1,
    // Test files run one after another in the same worker processes, sharing loaded modules: a
    // fresh process and module graph per file cost more CPU than the tests themselves (the whole
    // run took ~250 CPU-s with them, ~135 without, on 2 cores). Sound because no module holds
    // mutable state outside lib/runtime and the entry points (test/unit/module-state.test.ts), and
    // what runs as a user runs it (the CLI, the demo, the handler) runs in child processes.
    isolate: false,
    sequence: { sequencer: LongestFirstSequencer },
    // The SDK's "Node >= 22 after January 2027" warning, once per process: noise on Node 20
    // (README, "Node.js versions").
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    restoreMocks: true,
    // In CI, also write a JSON report so .ci/run can print the plain "N passed, N failed" line.
    reporters: process.env.CI
      ? ['default', ['json', { outputFile: '.tmp/vitest-report.json' }]]
      : ['default'],
  },
});
