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
    // At least two test files at a time. Vitest's default is one fewer worker than cores: on the
    // 2-core CI machine that ran every file one after the other, while the end-to-end files mostly
    // wait (on the sandbox, child processes, Lambda retries) and leave a core idle.
    maxWorkers: Math.max(2, availableParallelism() - 1),
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
