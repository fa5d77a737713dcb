/** The fault suite (`npm run test:faults`): real processes on their own ports, one file at a time. */
import root from '../../jest.config.js';

export default {
  ...root,
  roots: ['<rootDir>/test/faults'],
  testMatch: ['**/*.e2e-spec.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
  globalSetup: '<rootDir>/test/faults/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/faults/support/global-teardown.ts',
  testTimeout: 240_000,
  maxWorkers: 1,
};
