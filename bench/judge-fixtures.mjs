// Judges for benchmarks: the fake judge (@loupe/fake-providers' `installFakeJudge` on a fake OpenAI
// server) in a process of its own, so the CPU it spends is not the measured process's; and a gateway
// endpoint on a running Loupe that calls it, with a registered `make_judge` judge sampling traces.
import { spawn } from 'node:child_process';
import { postJson } from './lib.mjs';

/** Starts the fake judge (answers after `latencyMs`, counts requests at GET /count); resolves with { url, pid, stop() }. */
export function startFakeJudge(latencyMs) {
  const source = `
    import { startFakeProvider } from '@loupe/fake-providers/fake-server';
    import { installFakeJudge } from '@loupe/fake-providers/judge';
    const fake = await startFakeProvider();
    const judge = installFakeJudge(fake, { latencyMs: ${Number(latencyMs)} });
    fake.route('GET', '/count', () => ({ json: { requests: judge.requests.length } }));
    console.log('fake judge on ' + fake.url);
  `;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', source], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d) => {
      out += d.toString();
      const m = /fake judge on (http:\/\/\S+)/.exec(out);
      if (m) resolve({ url: m[1], pid: child.pid, stop: () => new Promise((res) => (child.once('exit', res), child.kill('SIGTERM'))) });
    });
    child.once('exit', (code) => reject(new Error(`fake judge exited with ${code}: ${out}`)));
  });
}

/** How many judge requests the fake judge has answered. */
export async function judgeCalls(fake) {
  return (await (await fetch(`${fake.url}/count`)).json()).requests;
}

/** The environment and flags a server needs to run online judges against a fake judge on loopback. */
export const ONLINE_SCORING_SERVER = {
  args: ['--gateway-allow-private-ips'],
  env: {
    LOUPE_SECRET_KEY: 'bench-secret-key-0123456789abcdefghij',
    LOUPE_ONLINE_SCORING_INTERVAL_MS: '1000',
    LOUPE_ONLINE_SCORING_SETTLE_MS: '1000',
  },
};

/**
 * Creates the gateway endpoint `judge` (an OpenAI model at the fake judge) on the server and registers
 * `make_judge` judge `name` on the experiment with the given sample rate, as MLflow's Python client
 * does. Returns the endpoint's name.
 */
export async function registerOnlineJudge(url, fake, experimentId, { name = 'polite', sampleRate = 1 } = {}) {
  const api = (path, body, method = 'POST') =>
    method === 'POST'
      ? postJson(`${url}${path}`, body).then((r) => r.body)
      : fetch(`${url}${path}`, { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }).then(async (r) => {
          if (!r.ok) throw new Error(`${method} ${path} -> ${r.status}: ${await r.text()}`);
          return r.json();
        });
  const existing = await fetch(`${url}/api/3.0/mlflow/gateway/endpoints/get?name=judge`);
  if (existing.status === 404) {
    const secret = await api('/api/3.0/mlflow/gateway/secrets/create', {
      secret_name: 'judge-key',
      secret_value: { api_key: 'sk-bench' },
      provider: 'openai',
      auth_config: { api_base: `${fake.url}/v1` },
    });
    const model = await api('/api/3.0/mlflow/gateway/model-definitions/create', {
      name: 'judge-model',
      secret_id: secret.secret.secret_id,
      provider: 'openai',
      model_name: 'gpt-4o-mini',
    });
    await api('/api/3.0/mlflow/gateway/endpoints/create', {
      name: 'judge',
      model_configs: [{ model_definition_id: model.model_definition.model_definition_id, linkage_type: 'PRIMARY', weight: 1 }],
    });
  }
  const serialized = JSON.stringify({
    name,
    aggregations: null,
    description: null,
    is_session_level_scorer: false,
    mlflow_version: '3.11.0',
    serialization_version: 1,
    instructions_judge_pydantic_data: { instructions: 'Is the answer in {{ outputs }} polite? Answer yes or no.', model: 'gateway:/judge' },
    builtin_scorer_class: null,
    builtin_scorer_pydantic_data: null,
    call_source: null,
    call_signature: null,
    original_func_name: null,
  });
  await api('/api/3.0/mlflow/scorers/register', { experiment_id: experimentId, name, serialized_scorer: serialized });
  await api('/api/3.0/mlflow/scorers/online-config', { experiment_id: experimentId, name, sample_rate: sampleRate }, 'PUT');
  return 'judge';
}

/** Assessments named `name` written in the experiment so far (the ASSESSMENTS view of the trace metrics). */
export async function assessmentCount(url, experimentId, name) {
  const { body } = await postJson(`${url}/api/3.0/mlflow/traces/metrics`, {
    experiment_ids: [experimentId],
    view_type: 'ASSESSMENTS',
    metric_name: 'assessment_count',
    aggregations: [{ aggregation_type: 'COUNT' }],
    filters: [`assessment.name = '${name}'`],
  });
  return Number(body.data_points?.[0]?.values?.COUNT ?? 0);
}
