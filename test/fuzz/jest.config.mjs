/** The long fuzz run (`npm run test:fuzz`): 100,000 requests unless FUZZ_REQUESTS says otherwise. */
import process from 'node:process';
import root from '../../jest.config.js';

process.env.FUZZ_REQUESTS ??= '100000';

export default {
  ...root,
  roots: ['<rootDir>/test/fuzz'],
  testMatch: ['**/running-stack.e2e-spec.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
  maxWorkers: 1,
};
