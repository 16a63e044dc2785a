import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    setupFiles: ['test/helpers/setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // At least two test files at a time. Vitest's default is one fewer worker than cores: on the
    // 2-core CI machine that ran every file one after the other, while the end-to-end files mostly
    // wait (on the sandbox, child processes, Lambda retries) and leave a core idle.
    maxWorkers: Math.max(2, availableParallelism() - 1),
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
