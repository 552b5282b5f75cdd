import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ExperimentStore } from '../tracking-store.js';
import type { LabelSchemaRecord, ReviewQueueRecord, ReviewStore } from '../review-store.js';

/** The stores the review contract needs, on one fresh database. */
export interface ReviewStores {
  experiments: ExperimentStore;
  review: ReviewStore;
  dispose(): Promise<void>;
}

/** Makes fresh stores for each test. */
export type ReviewStoresFactory = () => Promise<ReviewStores>;

const NOW = 1_700_000_000_000;
const PAGE = { offset: 0, limit: 100 };

/**
 * The behaviour every ReviewStore must have, run by each backend's test file.
 *
 * @example
 * reviewStoreContract(() => openSqlStores(backend));
 */
export function reviewStoreContract(factory: ReviewStoresFactory): void {
  describe('ReviewStore contract', () => {
    let s: ReviewStores;
    let exp: string;
    let n = 0;
    beforeEach(async () => {
      s = await factory();
      exp = await s.experiments.createExperiment({ name: 'review', artifactLocation: () => 'mlflow-artifacts:/x', tags: [], now: NOW });
    });
    afterEach(async () => {
      await s.dispose();
    });

    const schema = (over: Partial<LabelSchemaRecord> = {}): LabelSchemaRecord => ({
      schemaId: `s-${++n}`,
      experimentId: exp,
      name: `q${n}`,
      type: 'FEEDBACK',
      enableComment: false,
      input: { pass_fail: { positive_label: 'Yes', negative_label: 'No' } },
      createdTime: NOW + n,
      lastUpdateTime: NOW + n,
      ...over,
    });
    const queue = (over: Partial<ReviewQueueRecord> = {}): ReviewQueueRecord => ({
      queueId: `rq-${++n}`,
      experimentId: exp,
      name: `queue ${n}`,
      queueType: 'CUSTOM',
      creationTime: NOW + n,
      lastUpdateTime: NOW + n,
      users: [],
      schemaIds: [],
      ...over,
    });

    it('keeps label schemas with every input type, unique by name within the experiment', async () => {
      const inputs = [
        { pass_fail: { positive_label: 'Yes', negative_label: 'No' } },
        { categorical: { options: ['a', 'b'], multi_select: true, semantic_polarity: 'ASCENDING' as const } },
        { numeric: { min_value: 0.5, max_value: 2 } },
        { text: { max_length: 10 } },
      ];
      const made = inputs.map((input, i) => schema({ input, ...(i === 0 ? { title: 'T', instruction: 'I', enableComment: true, createdBy: 'me' } : {}) }));
      for (const m of made) expect(await s.review.createLabelSchema(m)).toBe('created');
      expect(await s.review.createLabelSchema(schema({ name: made[0]?.name as string }))).toBe('taken');
      const other = await s.experiments.createExperiment({ name: 'other', artifactLocation: () => 'x', tags: [], now: NOW });
      expect(await s.review.createLabelSchema(schema({ experimentId: other, name: made[0]?.name as string }))).toBe('created');
      expect(await s.review.getLabelSchema(made[0]?.schemaId as string)).toEqual(made[0]);
      expect(await s.review.getLabelSchemaByName(exp, made[1]?.name as string)).toEqual(made[1]);
      expect(await s.review.getLabelSchemaByName('not-a-number', 'x')).toBeUndefined();
      expect(await s.review.listLabelSchemas(exp, PAGE)).toEqual({ items: made, hasMore: false });
      expect(await s.review.listLabelSchemas(exp, { offset: 1, limit: 2 })).toEqual({ items: made.slice(1, 3), hasMore: true });
      expect(await s.review.labelSchemaIdsOf(exp, [made[0]?.schemaId as string, 'nope'])).toEqual(new Set([made[0]?.schemaId]));
    });

    it('updates a label schema sparsely and refuses a name in use', async () => {
      const a = schema();
      const b = schema();
      await s.review.createLabelSchema(a);
      await s.review.createLabelSchema(b);
      expect(await s.review.updateLabelSchema(a.schemaId, { input: { text: {} }, instruction: '', lastUpdateTime: NOW + 100 })).toEqual({
        ...a,
        input: { text: {} },
        instruction: '',
        lastUpdateTime: NOW + 100,
      });
      expect(await s.review.updateLabelSchema(a.schemaId, { name: b.name, lastUpdateTime: NOW + 200 })).toBe('taken');
      expect(await s.review.updateLabelSchema('nope', { name: 'x', lastUpdateTime: NOW })).toBeUndefined();
    });

    it('keeps queues with their users and schemas in order, unique by name regardless of case', async () => {
      const [x, y] = [schema(), schema()];
      await s.review.createLabelSchema(x);
      await s.review.createLabelSchema(y);
      const q = queue({ name: 'Launch', users: ['b', 'a'], schemaIds: [y.schemaId, x.schemaId], createdBy: 'me' });
      expect(await s.review.createReviewQueue(q)).toBe('created');
      expect(await s.review.createReviewQueue(queue({ name: 'LAUNCH' }))).toBe('taken');
      expect(await s.review.getReviewQueue(q.queueId)).toEqual(q);
      expect(await s.review.getReviewQueueByName(exp, 'launch')).toEqual(q);
      const newer = queue({ users: ['a'] });
      await s.review.createReviewQueue(newer);
      expect((await s.review.listReviewQueues(exp, undefined, PAGE)).items.map((r) => r.queueId)).toEqual([newer.queueId, q.queueId]);
      expect((await s.review.listReviewQueues(exp, 'b', PAGE)).items.map((r) => r.queueId)).toEqual([q.queueId]);
      expect(await s.review.listReviewQueues(exp, undefined, { offset: 0, limit: 1 })).toMatchObject({ hasMore: true });
      const updated = await s.review.updateReviewQueue(q.queueId, { users: ['c'], now: NOW + 50 });
      expect(updated).toEqual({ ...q, users: ['c'], lastUpdateTime: NOW + 50 });
      expect(await s.review.updateReviewQueue('nope', { users: [], now: NOW })).toBeUndefined();
      // Deleting a schema detaches it.
      await s.review.deleteLabelSchema(y.schemaId);
      expect((await s.review.getReviewQueue(q.queueId))?.schemaIds).toEqual([x.schemaId]);
      await s.review.deleteReviewQueue(q.queueId);
      await s.review.deleteReviewQueue(q.queueId);
      expect(await s.review.getReviewQueue(q.queueId)).toBeUndefined();
    });

    it('attaches items idempotently, newest first, and tracks their status and progress', async () => {
      const q = queue();
      await s.review.createReviewQueue(q);
      const first = await s.review.addReviewItems(q.queueId, 'TRACE', ['t1', 't2'], NOW);
      expect(first.map((i) => [i.itemId, i.status])).toEqual([
        ['t1', 'PENDING'],
        ['t2', 'PENDING'],
      ]);
      const done = await s.review.setReviewItemStatus(q.queueId, 't1', { status: 'COMPLETE', completedBy: 'alice', now: NOW + 5 });
      expect(done).toEqual({
        queueId: q.queueId,
        itemType: 'TRACE',
        itemId: 't1',
        status: 'COMPLETE',
        completedBy: 'alice',
        completedTime: NOW + 5,
        creationTime: NOW,
        lastUpdateTime: NOW + 5,
      });
      const again = await s.review.addReviewItems(q.queueId, 'TRACE', ['t3', 't1'], NOW + 10);
      expect(again).toEqual([expect.objectContaining({ itemId: 't3', status: 'PENDING', creationTime: NOW + 10 }), done]);
      expect((await s.review.listReviewItems(q.queueId, undefined, PAGE)).items.map((i) => i.itemId)).toEqual(['t3', 't1', 't2']);
      expect((await s.review.listReviewItems(q.queueId, 'PENDING', PAGE)).items.map((i) => i.itemId)).toEqual(['t3', 't2']);
      expect(await s.review.listReviewItems(q.queueId, undefined, { offset: 0, limit: 2 })).toMatchObject({ hasMore: true });
      await s.review.setReviewItemStatus(q.queueId, 't2', { status: 'DECLINED', completedBy: 'bob', now: NOW + 20 });
      expect(await s.review.reviewProgress([q.queueId, 'nope'])).toEqual([{ queueId: q.queueId, total: 3, pending: 1, complete: 1, declined: 1 }]);
      const reopened = await s.review.setReviewItemStatus(q.queueId, 't1', { status: 'PENDING', now: NOW + 30 });
      expect(reopened).toEqual({ ...done, status: 'PENDING', completedBy: undefined, completedTime: undefined, lastUpdateTime: NOW + 30 });
      expect(await s.review.setReviewItemStatus(q.queueId, 'nope', { status: 'PENDING', now: NOW })).toBeUndefined();
      await s.review.removeReviewItems(q.queueId, ['t1', 'zzz']);
      expect((await s.review.listReviewItems(q.queueId, undefined, PAGE)).items.map((i) => i.itemId)).toEqual(['t3', 't2']);
      // The same trace in another queue has its own status.
      const other = queue();
      await s.review.createReviewQueue(other);
      expect((await s.review.addReviewItems(other.queueId, 'TRACE', ['t2'], NOW))[0]?.status).toBe('PENDING');
      await s.review.deleteReviewQueue(q.queueId);
      expect(await s.review.reviewProgress([q.queueId, other.queueId])).toEqual([{ queueId: other.queueId, total: 1, pending: 1, complete: 0, declined: 0 }]);
    });
  });
}
