/** One jest run: unit specs next to the code, integration tests under each app's test/ folder. */
const aliases = {
  '^@app/(config|queue|axp|persistence|observability|fcm)(/.*)?$': '<rootDir>/libs/$1/src$2',
  '^@app/fcm-emulator(/.*)?$': '<rootDir>/tools/fcm-emulator/src$1',
};

// Packages that ship only ESM: Node >= 20.19 require()s them natively, jest on Node 20 does not,
// so jest compiles them to CommonJS (content-disposition 3 under @bull-board/fastify's
// @fastify/static; @nestjs/bull-shared 12 under @bull-board/nestjs).
const ESM_ONLY = ['@bull-board/fastify/node_modules/content-disposition', '@nestjs/bull-shared']
  .map((name) => `${__dirname}/node_modules/${name}/`.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
  .join('|');

module.exports = {
  rootDir: __dirname,
  testEnvironment: 'node',
  moduleFileExtensions: ['ts', 'js', 'json'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.json' }],
    [`^(${ESM_ONLY})`]: ['ts-jest', { tsconfig: { allowJs: true, module: 'commonjs' }, isolatedModules: true }],
  },
  transformIgnorePatterns: [`^(?!(${ESM_ONLY})).*/node_modules/`],
  moduleNameMapper: aliases,
  roots: ['<rootDir>/apps', '<rootDir>/libs', '<rootDir>/tools', '<rootDir>/test'],
  testMatch: ['**/*.spec.ts', '**/test/**/*.e2e-spec.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/', '/test/faults/', '/test/browser/'],
  testTimeout: 30000,
  maxWorkers: 2,
};
