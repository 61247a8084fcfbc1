import { defineConfig } from 'vitest/config'
import react from '@vitejs/plugin-react'

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          globalSetup: ['test/helpers/temp-root.ts'],
          name: 'engine',
          environment: 'node',
          include: ['test/core/**/*.test.ts', 'test/host/**/*.test.ts', 'test/shared/**/*.test.ts'],
          exclude: ['**/*.e2e.test.ts', '**/node_modules/**'],
          testTimeout: 30_000,
          hookTimeout: 30_000,
        },
      },
      {
        plugins: [react()],
        test: {
          globalSetup: ['test/helpers/temp-root.ts'],
          name: 'renderer',
          environment: 'jsdom',
          include: ['test/renderer/**/*.test.{ts,tsx}'],
          testTimeout: 15_000,
        },
      },
      {
        test: {
          globalSetup: ['test/helpers/temp-root.ts'],
          name: 'e2e',
          environment: 'node',
          include: ['test/e2e/**/*.test.ts', 'test/host/**/*.e2e.test.ts'],
          testTimeout: 90_000,
          hookTimeout: 90_000,
          fileParallelism: false,
        },
      },
    ],
  },
})
