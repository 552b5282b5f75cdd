import type { Scorer, ScorerFeedback } from '../scorer-types.js';
import { documentsText, promptText, requestText, responseText, retrievals } from './judge-inputs.js';
import { createLlmJudge, type JudgeOptions } from './llm-judge.js';
import { groundTruthText, section } from './response-judges.js';

/**
 * Judges of retrieval-augmented answers. They read the documents of the trace's RETRIEVER spans
 * (outputs `[{page_content, metadata}]`) and give one feedback per RETRIEVER span, its span id in
 * `metadata.span_id`. A row without a trace, or a trace without a RETRIEVER span, gets an error
 * feedback naming the trace.
 */

/** Metadata key of the span a feedback is about (MLflow's `Feedback.span_id`). */
export const SPAN_ID_METADATA = 'span_id';

const onSpan = (feedback: ScorerFeedback, spanId: string): ScorerFeedback => ({ ...feedback, metadata: { ...feedback.metadata, [SPAN_ID_METADATA]: spanId } });

const GROUNDEDNESS = `You check an AI application's answer for claims that its retrieved documents do not support.
Split the answer into its factual claims. A claim is supported when the documents state it or it follows directly from
them; general knowledge the documents do not contain does not count as support. Statements that make no factual claim
(greetings, offers to help, saying that something is unknown) need no support.
result is "yes" when every factual claim is supported by the documents, "no" when at least one is not. In the rationale,
name each unsupported claim.`;

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
          return onSpan(await ctx.ask({ instructions: GROUNDEDNESS, content }), r.spanId);
        }),
      );
    },
  });
}

const RELEVANCE = `You check whether one document a retriever returned is useful for answering a user's request.
The document is relevant when it contains information that helps answer the request, even partly. It is not relevant
when it is about something else or only shares keywords with the request.
result is "yes" when the document is relevant to the request, "no" otherwise.`;

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
                instructions: RELEVANCE,
                content: [section('request', request), section('document', promptText(d.content))].join('\n\n'),
              });
              return { ...onSpan(feedback, r.spanId), metadata: { [SPAN_ID_METADATA]: r.spanId, document_index: String(i) } };
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

const SUFFICIENCY = `You check whether the documents a retriever returned hold everything needed to give the expected answer.
You get the user's request, the documents, and the ground truth: facts the right answer contains, or a reference answer.
For each fact of the ground truth, decide whether the documents state it or let it be directly inferred.
result is "yes" when the documents cover every fact of the ground truth, "no" when at least one is missing. In the
rationale, name the facts the documents do not cover.`;

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
          return onSpan(await ctx.ask({ instructions: SUFFICIENCY, content }), r.spanId);
        }),
      );
    },
  });
}
