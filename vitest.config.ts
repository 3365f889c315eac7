/** Test projects, one per kind of test; `npm test` runs them all, `npm run test:<kind>` one. */
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    pool: 'forks',
    // As offline (bin/local.ts): nothing traces in tests, and the X-Ray SDK's automatic mode would track every
    // promise through async hooks.
    env: { AWS_XRAY_MANUAL_MODE: '1' },
    // Two cores: integration/e2e files each start Java or a whole runtime, so keep parallelism low.
    maxWorkers: 2,
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          setupFiles: ['test/unit/setup.ts'],
          // Property tests run hundreds of cases: seconds on a quiet machine, more on a shared one.
          testTimeout: 30_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          testTimeout: 60_000,
          // Starting DynamoDB Local (Java), s3rver and the SES sink takes seconds alone, minutes on shared cores.
          hookTimeout: 180_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'workflow',
          include: ['test/workflow/**/*.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'infra',
          include: ['test/infra/**/*.test.ts'],
          setupFiles: ['test/infra/setup.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
      {
        extends: true,
        // A whole offline runtime starts in 20-60 s here, and took over 120 s while other jobs shared the cores.
        test: { name: 'e2e', include: ['test/e2e/**/*.test.ts'], testTimeout: 240_000, hookTimeout: 240_000 },
      },
    ],
  },
});
