import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeOnBackend, testBackends } from '@loupe/server/testing';
import { startCliServer, type CliServer } from './cli-server.js';

// The requests MLflow's Python client (its REST store) sends for human review: label schemas of each
// input type, a custom review queue over some traces, a reviewer's personal queue, listing the items,
// HUMAN feedback and expectations logged against the schemas (plain assessments), set-status, and
// Loupe's progress read — replayed over real HTTP against the built CLI on each database (spec §8.3).
for (const backend of await testBackends()) {
  describeOnBackend(backend, 'MLflow Python client review flow', () => {
    let server: CliServer;
    const api = (p: string) => `/api/3.0/mlflow/${p}`;
    const ok = async (method: string, p: string, body?: unknown) => {
      const res = await server.call(method, p, body);
      expect(res.status, `${method} ${p}: ${JSON.stringify(res.body)}`).toBe(200);
      return res.body;
    };

    beforeAll(async () => {
      server = await startCliServer(backend, 'loupe-review-flow-');
    });
    afterAll(async () => {
      await server?.stop();
    });

    it('labels traces through a review queue and reads the progress', async () => {
      const exp = (await ok('POST', '/api/2.0/mlflow/experiments/create', { name: 'review-flow' })).experiment_id as string;
      const traceIds: string[] = [];
      for (let i = 0; i < 3; i++) {
        const traceId = `tr-${String(i).repeat(32)}`;
        await ok('POST', api('traces'), {
          trace: {
            trace_info: {
              trace_id: traceId,
              trace_location: { type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: exp } },
              request_time: new Date(1_760_000_000_000 + i * 1000).toISOString(),
              execution_duration: '0.100s',
              state: 'OK',
              trace_metadata: { 'mlflow.trace_schema.version': '3' },
            },
          },
        });
        traceIds.push(traceId);
      }

      // Schemas of each kind; the client sends the type and enums by proto name.
      const created: Record<string, { schema_id: string; type: string; input: Record<string, unknown> }> = {};
      for (const [name, type, input] of [
        ['correct', 'FEEDBACK', { pass_fail: { positive_label: 'Correct', negative_label: 'Incorrect' } }],
        ['helpfulness', 'FEEDBACK', { numeric: { min_value: 1, max_value: 5 } }],
        ['tone', 'FEEDBACK', { categorical: { options: ['formal', 'casual', 'rude'] } }],
        ['expected_answer', 'EXPECTATION', { text: { max_length: 2000 } }],
      ] as const) {
        const body = await ok('POST', api('label-schemas/create'), {
          experiment_id: exp,
          name,
          type,
          input,
          instruction: `About ${name}`,
          enable_comment: true,
        });
        expect(body.label_schema).toMatchObject({ experiment_id: exp, name, type, input, enable_comment: true });
        created[name] = body.label_schema;
      }
      const listed = await ok('GET', `${api('label-schemas/list')}?experiment_id=${exp}&max_results=100`);
      expect(listed.label_schemas.map((s: { name: string }) => s.name)).toEqual(['correct', 'helpfulness', 'tone', 'expected_answer']);
      const tone = await ok('GET', `${api('label-schemas/get-by-name')}?experiment_id=${exp}&name=tone`);
      expect(tone.label_schema.schema_id).toBe(created.tone?.schema_id);

      // A custom queue with two reviewers and three of the schemas; then its traces.
      const queue = (
        await ok('POST', api('review-queues/create'), {
          experiment_id: exp,
          name: 'Launch review',
          queue_type: 'CUSTOM',
          users: ['alice@example.com', 'bob@example.com'],
          schema_ids: ['correct', 'helpfulness', 'expected_answer'].map((n) => created[n]?.schema_id),
        })
      ).review_queue;
      expect(queue).toMatchObject({ name: 'Launch review', queue_type: 'CUSTOM', users: ['alice@example.com', 'bob@example.com'] });
      const added = await ok('POST', api('review-queues/items/add'), { queue_id: queue.queue_id, item_type: 'TRACE', item_ids: traceIds });
      expect(added.items.map((i: { item_id: string; status: string }) => [i.item_id, i.status])).toEqual(traceIds.map((id) => [id, 'PENDING']));
      // Alice's own worklist, and the queues she is assigned to.
      const mine = (await ok('POST', api('review-queues/get-or-create-user'), { experiment_id: exp, user: 'Alice@Example.com' })).review_queue;
      expect(mine).toMatchObject({ name: 'alice@example.com', queue_type: 'USER', users: ['alice@example.com'] });
      const assigned = await ok('GET', `${api('review-queues/list')}?experiment_id=${exp}&user=alice@example.com`);
      expect(assigned.review_queues.map((q: { queue_id: string }) => q.queue_id)).toEqual([mine.queue_id, queue.queue_id]);

      // Alice reviews the first trace: her answers are HUMAN assessments named after the schemas.
      const items = await ok('GET', `${api('review-queues/items/list')}?queue_id=${queue.queue_id}&status=PENDING&max_results=50`);
      const first = items.items[0].item_id as string;
      const human = { source_type: 'HUMAN', source_id: 'alice@example.com' };
      await ok('POST', api(`traces/${first}/assessments`), {
        assessment: { trace_id: first, assessment_name: 'correct', source: human, feedback: { value: true }, rationale: 'Matches the docs' },
      });
      await ok('POST', api(`traces/${first}/assessments`), {
        assessment: { trace_id: first, assessment_name: 'helpfulness', source: human, feedback: { value: 4 } },
      });
      await ok('POST', api(`traces/${first}/assessments`), {
        assessment: { trace_id: first, assessment_name: 'expected_answer', source: human, expectation: { value: 'Paris' } },
      });
      // Writing assessments does not move the item; set-status does.
      expect((await ok('GET', `${api('review-queues/items/list')}?queue_id=${queue.queue_id}&status=PENDING`)).items).toHaveLength(3);
      const done = await ok('POST', api('review-queues/items/set-status'), {
        queue_id: queue.queue_id,
        item_id: first,
        status: 'COMPLETE',
        completed_by: 'alice@example.com',
      });
      expect(done.item).toMatchObject({ item_id: first, status: 'COMPLETE', completed_by: 'alice@example.com' });
      await ok('POST', api('review-queues/items/set-status'), {
        queue_id: queue.queue_id,
        item_id: items.items[1].item_id,
        status: 'DECLINED',
        completed_by: 'bob@example.com',
      });

      // The answers are on the trace, as every assessment is.
      const trace = await ok('GET', api(`traces/${first}`));
      const answers = (trace.trace.trace_info.assessments as { assessment_name: string; source: { source_type: string } }[]).map((a) => [
        a.assessment_name,
        a.source.source_type,
      ]);
      expect(answers).toEqual([
        ['correct', 'HUMAN'],
        ['helpfulness', 'HUMAN'],
        ['expected_answer', 'HUMAN'],
      ]);
      const found = await ok('POST', api('traces/search'), {
        locations: [{ type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: exp } }],
        filter: "feedback.correct = 'true'",
      });
      expect(found.traces.map((t: { trace_id: string }) => t.trace_id)).toEqual([first]);

      // Progress for the review UI (Loupe).
      const progress = await ok('GET', `/api/3.0/loupe/review-queues/progress?queue_ids=${queue.queue_id}&queue_ids=${mine.queue_id}`);
      expect(progress.progress).toEqual([
        { queue_id: queue.queue_id, total: 3, pending: 1, complete: 1, declined: 1 },
        { queue_id: mine.queue_id, total: 0, pending: 0, complete: 0, declined: 0 },
      ]);

      // Bad input answers the codes the client reads.
      expect(
        (await server.call('POST', api('label-schemas/create'), { experiment_id: exp, name: 'tone', type: 'FEEDBACK', input: { text: {} } })).body.error_code,
      ).toBe('RESOURCE_ALREADY_EXISTS');
      expect((await server.call('POST', api('label-schemas/create'), { experiment_id: exp, name: 'x', type: 'FEEDBACK', input: {} })).status).toBe(400);
      expect((await server.call('GET', `${api('review-queues/get')}?queue_id=rq-missing`)).status).toBe(404);

      // Deleting the trace keeps its queue item (MLflow's items are soft references).
      await ok('POST', api('traces/delete-traces'), { experiment_id: exp, request_ids: [first] });
      expect((await ok('GET', `${api('review-queues/items/list')}?queue_id=${queue.queue_id}`)).items).toHaveLength(3);
      await ok('POST', api('review-queues/delete'), { queue_id: queue.queue_id });
      expect((await server.call('GET', `${api('review-queues/get')}?queue_id=${queue.queue_id}`)).status).toBe(404);
    });
  });
}
