// The long fault tests (database outage, SIGKILL, SIGTERM under load) run the built hub as a
// process of its own: `npm run test:faults`, which .ci/run runs after `npm test`.
import base from './jest.config.js';

/** @type {import('jest').Config} */
export default { ...base, testMatch: ['<rootDir>/test/faults/**/*.fault-spec.ts'], testTimeout: 180000 };
