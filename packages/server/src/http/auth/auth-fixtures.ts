import { expect } from 'vitest';
import type { ScryptCost } from '../../auth/password.js';
import type { TestDatabase } from '../../testing/backends.js';
import { createTestLoupe, type TestLoupe } from '../../testing/test-loupe.js';

/** A cheap scrypt for tests (the server's default costs ~50 ms a hash by design). */
export const TEST_SCRYPT: ScryptCost = { N: 1024, r: 8, p: 1 };

export const ADMIN = { username: 'admin', password: 'admin-password-1' } as const;

/** `Authorization: Basic ...` for a user. */
export function basic(username: string, password: string): Record<string, string> {
  return { authorization: `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}` };
}

/** An in-process Loupe with `--app-name basic-auth` and the test admin. */
export function createAuthLoupe(
  options: { database?: TestDatabase; defaultPermission?: 'READ' | 'EDIT' | 'MANAGE' | 'NO_PERMISSIONS'; cacheTtlMs?: number } = {},
): Promise<TestLoupe> {
  return createTestLoupe({
    appName: 'basic-auth',
    authAdminUsername: ADMIN.username,
    authAdminPassword: ADMIN.password,
    authDefaultPermission: options.defaultPermission ?? 'READ',
    authCacheTtlMs: options.cacheTtlMs ?? 1000,
    uiRoot: null,
    ...(options.database ? { database: options.database } : {}),
    // Webhook URLs resolve to a public address without DNS (an example.com hook is never called in these tests).
    deps: { scryptCost: TEST_SCRYPT, resolveHost: async () => [{ address: '93.184.215.14', family: 4 as const }] },
  });
}

/** Calls as a user, expecting a 2xx; returns the JSON body. */
export async function okAs(loupe: TestLoupe, who: Record<string, string>, method: string, url: string, body?: unknown): Promise<Record<string, unknown>> {
  const res = await loupe.call(method, url, body, who);
  expect(res.status, `${method} ${url}: ${res.text}`).toBe(200);
  return res.body;
}

export const TRACE_ID = `tr-${'ab'.repeat(16)}`;

/** What the every-route test touches: one of everything, in one experiment and one registered model. */
export interface AuthWorld {
  experimentId: string;
  runId: string;
  traceId: string;
  assessmentId: string;
  loggedModelId: string;
  datasetId: string;
  modelName: string;
  schemaId: string;
  queueId: string;
  scorerId: string;
}

/** Creates one of every resource as the admin. */
export async function seedWorld(loupe: TestLoupe): Promise<AuthWorld> {
  const admin = basic(ADMIN.username, ADMIN.password);
  const ok = (method: string, url: string, body?: unknown) => okAs(loupe, admin, method, url, body);
  const experimentId = (await ok('POST', '/api/2.0/mlflow/experiments/create', { name: 'secret' })).experiment_id as string;
  const runId = ((await ok('POST', '/api/2.0/mlflow/runs/create', { experiment_id: experimentId })).run as { info: { run_id: string } }).info.run_id;
  await ok('POST', '/api/3.0/mlflow/traces', {
    trace: {
      trace_info: {
        trace_id: TRACE_ID,
        trace_location: { type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: experimentId } },
        request_time: '2025-06-15T14:07:41.282Z',
        state: 'OK',
      },
    },
  });
  const assessment = await ok('POST', `/api/3.0/mlflow/traces/${TRACE_ID}/assessments`, {
    assessment: { assessment_name: 'ok', trace_id: TRACE_ID, source: { source_type: 'HUMAN', source_id: 'admin' }, feedback: { value: true } },
  });
  const assessmentId = (assessment.assessment as { assessment_id: string }).assessment_id;
  const loggedModelId = (
    (await ok('POST', '/api/2.0/mlflow/logged-models', { experiment_id: experimentId, name: 'lm' })).model as { info: { model_id: string } }
  ).info.model_id;
  const datasetId = ((await ok('POST', '/api/3.0/mlflow/datasets/create', { name: 'ds', experiment_ids: [experimentId] })).dataset as { dataset_id: string })
    .dataset_id;
  const modelName = 'secret-model';
  await ok('POST', '/api/2.0/mlflow/registered-models/create', { name: modelName });
  await ok('POST', '/api/2.0/mlflow/model-versions/create', { name: modelName, source: `runs:/${runId}/model`, run_id: runId });
  const schemaId = (
    (
      await ok('POST', '/api/3.0/mlflow/label-schemas/create', {
        experiment_id: experimentId,
        name: 'q',
        type: 'FEEDBACK',
        input: { pass_fail: { positive_label: 'Yes', negative_label: 'No' } },
      })
    ).label_schema as { schema_id: string }
  ).schema_id;
  const queueId = (
    (await ok('POST', '/api/3.0/mlflow/review-queues/create', { experiment_id: experimentId, name: 'queue', queue_type: 'CUSTOM' })).review_queue as {
      queue_id: string;
    }
  ).queue_id;
  const scorerId = (await ok('POST', '/api/3.0/mlflow/scorers/register', { experiment_id: experimentId, name: 'judge', serialized_scorer: '{}' }))
    .scorer_id as string;
  return { experimentId, runId, traceId: TRACE_ID, assessmentId, loggedModelId, datasetId, modelName, schemaId, queueId, scorerId };
}
