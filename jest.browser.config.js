// The browser tests (test/browser/): the real hub on the test run's database with the demo region,
// driven by playwright-core through the system Chromium (/usr/bin/chromium, Debian's package;
// Playwright's own browser download does not work on these machines). `npm run test:browser`.
import base from './jest.config.js';

/** @type {import('jest').Config} */
export default {
  ...base,
  testMatch: ['<rootDir>/test/browser/**/*.browser-spec.ts'],
  testTimeout: 120000,
};
