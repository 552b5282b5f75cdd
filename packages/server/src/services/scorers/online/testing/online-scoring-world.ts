import { makeJudgeJson } from '../../../../testing/make-judge-json.js';
import { installFakeJudge, startFakeProvider, type FakeJudge, type FakeJudgeOptions, type FakeProvider } from '@loupe/fake-providers';
import { SpanAttributeKey } from '@loupe/protocol/attributes';
import { ingestSpan } from '../../../../ingest/testing/ingest-spans.js';
import { toSpanBatches } from '../../../../ingest/span-batches.js';
import type { AssessmentRecord } from '../../../../store/assessment-store.js';
import type { TestDatabase } from '../../../../testing/backends.js';
import { createTestLoupe, type TestLoupe } from '../../../../testing/test-loupe.js';
import { TestClock } from '../../../../testing/test-clock.js';
import type { ServerOptions } from '../../../../config/config.js';

/** The key material every server of a world shares (gateway secrets are encrypted with it). */
export const SECRET_KEY = 'online-scoring-test-key-0123456789abcdef';
export const JUDGE_ENDPOINT = 'judge-ep';
export const JUDGE_MODEL = `gateway:/${JUDGE_ENDPOINT}`;
/** 2023-11-14T22:13:20Z. */
export const T0 = 1_700_000_000_000;

/** The settings of a world's servers: the judge on the fake provider (loopback), scheduling by hand. */
export function worldSettings(uri: string): ServerOptions {
  return {
    backendStoreUri: uri,
    secretKey: SECRET_KEY,
    gatewayAllowPrivateIps: true,
    onlineScoringIntervalMs: 0,
    onlineScoringSettleMs: 5_000,
    onlineScoringSessionIdleMs: 300_000,
    // Ten judgements at a time: the crash test counts on a kill landing while some are written and others not.
    jobConcurrency: 10,
  };
}

/** A `make_judge` judge on the world's judge endpoint, as MLflow serializes it. */
export function instructionsJudge(name: string, instructions: string, extra: Record<string, unknown> = {}): string {
  return makeJudgeJson(name, instructions, JUDGE_MODEL, extra);
}

/** A trace to add: when it ran, and what its root span says. */
export interface TraceSpec {
  startMs: number;
  durationMs?: number;
  inputs?: unknown;
  outputs?: unknown;
  session?: string;
  tags?: Record<string, string>;
}

/** A Loupe with an experiment, a gateway judge endpoint on a fake OpenAI server, and helpers. */
export interface OnlineScoringWorld {
  loupe: TestLoupe;
  clock: TestClock;
  fake: FakeProvider;
  judge: FakeJudge;
  experimentId: string;
  /** The database's URI (for other servers on it). */
  databaseUri: string;
  /** Registers a scorer and sets its sampling; returns its scorer id. */
  registerScorer(name: string, serializedScorer: string, sampleRate: number, filterString?: string): Promise<string>;
  /** Adds a finished trace through span ingest; returns its id. */
  addTrace(spec: TraceSpec): Promise<string>;
  /** The assessments of a trace named `name`. */
  assessments(traceId: string, name: string): Promise<AssessmentRecord[]>;
  /** One scheduler pass, then every due job (as a server's loop would). */
  pass(): Promise<number>;
  dispose(): Promise<void>;
}

let traceCounter = 0;

/**
 * Builds an {@link OnlineScoringWorld} on a database.
 *
 * @example
 * const world = await openOnlineScoringWorld(await backend.create());
 */
export async function openOnlineScoringWorld(database: TestDatabase, judgeOptions: FakeJudgeOptions = {}): Promise<OnlineScoringWorld> {
  const fake = await startFakeProvider();
  const judge = installFakeJudge(fake, judgeOptions);
  const clock = new TestClock(T0);
  const loupe = await createTestLoupe({ database, clock, ...worldSettings(database.uri) });
  const ok = async (method: string, url: string, body: unknown) => {
    const res = await loupe.call(method, url, body);
    if (res.status !== 200) throw new Error(`${method} ${url}: ${res.status} ${res.text}`);
    return res.body;
  };
  const experimentId = (await ok('POST', '/api/2.0/mlflow/experiments/create', { name: `online-${++traceCounter}` })).experiment_id as string;
  const secret = (await ok('POST', '/api/3.0/mlflow/gateway/secrets/create', {
    secret_name: 'judge-key',
    secret_value: { api_key: 'sk-test' },
    provider: 'openai',
    auth_config: { api_base: `${fake.url}/v1` },
  })) as { secret: { secret_id: string } };
  const definition = (await ok('POST', '/api/3.0/mlflow/gateway/model-definitions/create', {
    name: 'judge-model',
    secret_id: secret.secret.secret_id,
    provider: 'openai',
    model_name: 'gpt-4o-mini',
  })) as { model_definition: { model_definition_id: string } };
  await ok('POST', '/api/3.0/mlflow/gateway/endpoints/create', {
    name: JUDGE_ENDPOINT,
    model_configs: [{ model_definition_id: definition.model_definition.model_definition_id, linkage_type: 'PRIMARY', weight: 1 }],
  });
  return {
    loupe,
    clock,
    fake,
    judge,
    experimentId,
    databaseUri: database.uri,
    async registerScorer(name, serializedScorer, sampleRate, filterString) {
      const v = (await ok('POST', '/api/3.0/mlflow/scorers/register', { experiment_id: experimentId, name, serialized_scorer: serializedScorer })) as {
        scorer_id: string;
      };
      await ok('PUT', '/api/3.0/mlflow/scorers/online-config', {
        experiment_id: experimentId,
        name,
        sample_rate: sampleRate,
        ...(filterString ? { filter_string: filterString } : {}),
      });
      return v.scorer_id;
    },
    async addTrace(spec) {
      // Apart from the server's sequential ids (the gateway's usage traces take those).
      const hex = `feed${(++traceCounter).toString(16).padStart(28, '0')}`;
      const attributes: Record<string, unknown> = {
        [SpanAttributeKey.INPUTS]: spec.inputs ?? { question: `question ${hex}` },
        [SpanAttributeKey.OUTPUTS]: spec.outputs ?? `answer ${hex}`,
      };
      if (spec.session) attributes['session.id'] = spec.session;
      for (const [k, v] of Object.entries(spec.tags ?? {})) attributes[`${SpanAttributeKey.TRACE_TAG_PREFIX}${k}`] = v;
      const start = BigInt(spec.startMs) * 1_000_000n;
      const end = start + BigInt(spec.durationMs ?? 1000) * 1_000_000n;
      const span = ingestSpan({
        traceId: hex,
        name: 'agent',
        startTimeUnixNano: String(start),
        endTimeUnixNano: String(end),
        attributes,
        status: { code: 'STATUS_CODE_OK', message: '' },
      });
      await loupe.services.traces.ingestSpans(experimentId, toSpanBatches([span]));
      return `tr-${hex}`;
    },
    async assessments(traceId, name) {
      const record = await loupe.services.traces.getTraceInfo(traceId);
      return (record.assessments ?? []).filter((a) => a.name === name);
    },
    async pass() {
      const enqueued = await loupe.onlineScoring.runOnce();
      await loupe.jobs.runDue();
      return enqueued;
    },
    async dispose() {
      await loupe.dispose();
      await fake.close();
    },
  };
}
