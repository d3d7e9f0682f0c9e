import { configDefaults, defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts', 'scripts/**/*.test.ts'],
    // The edge Worker's tests run in workerd and build the Worker: `npm run test:edge`.
    exclude: [...configDefaults.exclude, 'src/**/*.workerd.test.ts', 'src/edge/**'],
    // OCR and image tests run real engines on real images: give them room on a 2-core machine.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    maxWorkers: 2,
  },
});
