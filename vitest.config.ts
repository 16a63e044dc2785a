import { availableParallelism } from 'node:os';
import { configDefaults, defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
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
    projects: [
      {
        // The end-to-end files, each in a fresh process: they run the demo, CLI commands and the
        // handler as users do (signals, process exit codes, the environment they are given).
        // Vitest runs the projects' files in name order, so these long files start first.
        extends: true,
        test: { name: 'e2e', include: ['test/e2e/**/*.test.ts'] },
      },
      {
        // Everything else shares its worker processes (no fresh process and module graph per file:
        // on 2 cores that cost more CPU than the tests themselves). Sound because no module holds
        // mutable state outside lib/runtime and the entry points (test/unit/module-state.test.ts);
        // test/helpers/shared-worker.ts undoes what a file may leave in the process.
        extends: true,
        test: {
          name: 'shared',
          include: ['test/**/*.test.ts'],
          exclude: [...configDefaults.exclude, 'test/e2e/**'],
          isolate: false,
          setupFiles: ['test/helpers/shared-worker.ts'],
        },
      },
    ],
  },
});
