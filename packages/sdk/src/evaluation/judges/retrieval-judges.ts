import type { Scorer, ScorerFeedback } from '../scorer-types.js';
import { documentsText, promptText, requestText, responseText, retrievals } from './judge-inputs.js';
import { createLlmJudge, type JudgeOptions } from './llm-judge.js';
import { groundTruthText, section } from './response-judges.js';
import { BUILTIN_JUDGE_INSTRUCTIONS } from '@loupe/llm';

/**
 * Judges of retrieval-augmented answers. They read the documents of the trace's RETRIEVER spans
 * (outputs `[{page_content, metadata}]`) and give one feedback per RETRIEVER span, on that span
 * (`spanId`, as MLflow's feedback carries `span_id`). A row without a trace, or a trace without a RETRIEVER span, gets an error
 * feedback naming the trace.
 */

const onSpan = (feedback: ScorerFeedback, spanId: string): ScorerFeedback => ({ ...feedback, spanId });

/**
 * `retrieval_groundedness`: is the response supported by what the retriever returned? Reads the
 * trace's RETRIEVER spans, the request and the response. One `'yes'` / `'no'` per RETRIEVER span.
 *
 * @example
 * await evaluate({ data, predictFn: ragApp, scorers: [RetrievalGroundedness()] });
 */
export function RetrievalGroundedness(options?: JudgeOptions): Scorer {
  return createLlmJudge({
    name: 'retrieval_groundedness',
    level: 'trace',
    options,
    async run(ctx, input) {
      const found = retrievals(input);
      const request = requestText(input);
      const response = responseText(input);
      return Promise.all(
        found.map(async (r) => {
          const content = [section('request', request), section('documents', documentsText(r.documents)), section('response', response)].join('\n\n');
          return onSpan(await ctx.ask({ instructions: BUILTIN_JUDGE_INSTRUCTIONS.RetrievalGroundedness, content }), r.spanId);
        }),
      );
    },
  });
}

/**
 * `retrieval_relevance`: is each retrieved document relevant to the request? Reads the trace's
 * RETRIEVER spans and the request. Per RETRIEVER span: one `retrieval_relevance` feedback
 * (`'yes'` / `'no'`) per document (`metadata.document_index`), preceded by
 * `retrieval_relevance/precision`, the share of relevant documents (0 to 1).
 *
 * @example
 * RetrievalRelevance({ model: 'openai:/gpt-4o-mini' });
 */
export function RetrievalRelevance(options?: JudgeOptions): Scorer {
  return createLlmJudge({
    name: 'retrieval_relevance',
    level: 'trace',
    options,
    async run(ctx, input) {
      const found = retrievals(input);
      const request = requestText(input);
      const perSpan = await Promise.all(
        found.map(async (r) => {
          const chunks = await Promise.all(
            r.documents.map(async (d, i) => {
              const feedback = await ctx.ask({
                instructions: BUILTIN_JUDGE_INSTRUCTIONS.RetrievalRelevance,
                content: [section('request', request), section('document', promptText(d.content))].join('\n\n'),
              });
              return { ...onSpan(feedback, r.spanId), metadata: { ...feedback.metadata, document_index: String(i) } };
            }),
          );
          if (chunks.length === 0) return [];
          const judged = chunks.filter((c) => !c.error);
          const precision: ScorerFeedback = judged.length
            ? { name: `${ctx.name}/precision`, value: judged.filter((c) => c.value === 'yes').length / judged.length }
            : { name: `${ctx.name}/precision`, error: chunks[0]!.error! };
          return [onSpan(precision, r.spanId), ...chunks];
        }),
      );
      return perSpan.flat();
    },
  });
}

/**
 * `retrieval_sufficiency`: do the retrieved documents contain what the expected answer needs?
 * Reads the trace's RETRIEVER spans, the request and `expectations.expected_facts` or
 * `expectations.expected_response`. One `'yes'` / `'no'` per RETRIEVER span.
 *
 * @example
 * await evaluate({ data: [{ inputs, expectations: { expected_facts: ['MLflow is open source'] } }], predictFn: ragApp, scorers: [RetrievalSufficiency()] });
 */
export function RetrievalSufficiency(options?: JudgeOptions): Scorer {
  return createLlmJudge({
    name: 'retrieval_sufficiency',
    level: 'trace',
    options,
    async run(ctx, input) {
      const found = retrievals(input);
      const truth = groundTruthText(input, 'know what the documents must cover');
      const request = requestText(input);
      return Promise.all(
        found.map(async (r) => {
          const content = [section('request', request), section('documents', documentsText(r.documents)), truth].join('\n\n');
          return onSpan(await ctx.ask({ instructions: BUILTIN_JUDGE_INSTRUCTIONS.RetrievalSufficiency, content }), r.spanId);
        }),
      );
    },
  });
}
