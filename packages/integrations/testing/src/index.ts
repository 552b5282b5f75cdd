/**
 * Test support for Loupe's integrations: a fake LLM provider server (the providers' wire protocols,
 * so their real client libraries run offline) and a harness with a real Loupe server.
 */
export { startFakeProvider, fakeId, roughTokens, type FakeProvider, type FakeReply, type FakeRequest, type FakeHandler, type SseEvent } from './fake-server.js';
export { startHarness, type Harness, type CapturedSpan } from './harness.js';
export { useIntegrationSuite, type IntegrationSuite } from './suite.js';
export {
  installFakeJudge,
  readJudgeRequest,
  hashVerdict,
  everyNth,
  fnv1a,
  type FakeJudge,
  type FakeJudgeOptions,
  type FakeJudgeRequest,
  type FakeJudgeAnswer,
  type FakeJudgeFault,
  type FakeJudgeProtocol,
} from './judge.js';
