/** One jest run: unit specs next to the code, integration tests under each app's test/ folder. */
const aliases = {
  '^@app/(config|queue|axp|persistence|observability|fcm)(/.*)?$': '<rootDir>/libs/$1/src$2',
  '^@app/fcm-emulator(/.*)?$': '<rootDir>/tools/fcm-emulator/src$1',
};

module.exports = {
  rootDir: __dirname,
  testEnvironment: 'node',
  moduleFileExtensions: ['ts', 'js', 'json'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.json' }],
  },
  moduleNameMapper: aliases,
  roots: ['<rootDir>/apps', '<rootDir>/libs', '<rootDir>/tools', '<rootDir>/test'],
  testMatch: ['**/*.spec.ts', '**/test/**/*.e2e-spec.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/', '/test/faults/', '/test/browser/'],
  testTimeout: 30000,
  maxWorkers: 2,
};
