/**
 * `@loupe/server/testing`: a real Loupe for the tests of other packages and of apps built on it.
 * Nothing here is mocked: each helper runs the real server on a real database of its own, and
 * cleans up after itself. `describeOnBackend` needs Vitest (an optional peer dependency).
 *
 * @example
 * import { startTestServer } from '@loupe/server/testing';
 * const loupeServer = await startTestServer();
 * const experimentId = await loupeServer.experiment();
 */
export { startTestServer, type TestServer } from './start-test-server.js';
export { createTestLoupe, SequentialIds, type TestLoupe } from './test-loupe.js';
export { TestClock } from './test-clock.js';
export {
  createSqliteDatabase,
  createPostgresDatabase,
  sqliteBackend,
  testBackends,
  describeOnBackend,
  type TestDatabase,
  type TestBackend,
} from './backends.js';
export { testS3Targets, describeOnS3, type S3Target } from './s3.js';
export { makeJudgeJson } from './make-judge-json.js';
