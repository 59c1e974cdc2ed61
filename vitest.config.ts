import { defineConfig } from 'vitest/config';

const FAULT_RUN = 'test/integration/faults.test.ts';

export default defineConfig({
  test: {
    projects: [
      {
        // 20 s, not 5: the tests that render the contract PDF (fonts embedded) take 1-2 s alone and more than 5 s
        // while the other projects run beside them on 2 cores.
        test: { name: 'unit', include: ['test/unit/**/*.test.ts'], testTimeout: 20_000 },
      },
      {
        test: {
          name: 'infra',
          include: ['test/infra/**/*.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
      {
        test: { name: 'workflow', include: ['test/workflow/**/*.test.ts'], testTimeout: 60_000 },
      },
      {
        // Integration and browser tests share one local stack, started once in global setup.
        test: {
          name: 'local',
          include: ['test/integration/**/*.test.ts', 'test/e2e/**/*.test.ts'],
          exclude: [FAULT_RUN],
          globalSetup: ['test/integration/global-setup.ts'],
          setupFiles: ['test/integration/iam-guard.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
      {
        // The fault run has a local stack of its own, so it runs beside the other local files instead of after
        // them: it spends most of its 3-4 minutes waiting on retries and sweeps (about 50 s of CPU), and its faults
        // cannot reach another file's requests.
        test: {
          name: 'faults',
          include: [FAULT_RUN],
          globalSetup: ['test/integration/global-setup.ts'],
          setupFiles: ['test/integration/iam-guard.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
