import type { LoadGauge } from '../../jobs/event-loop-load.js';
import { LlmError, parseVerdict } from '@loupe/llm';
import { ApiError } from '@loupe/protocol';
import { AssessmentMetadataKey, TraceMetadataKey } from '@loupe/protocol/attributes';
import type { Clock } from '../../../clock.js';
import type { AssessmentRecord, AssessmentStore } from '../../../store/assessment-store.js';
import type { ScorerStore } from '../../../store/scorer-store.js';
import type { TraceRecord, TraceStore } from '../../../store/trace-store.js';
import type { JobHandler, JobResult, RunningJob } from '../../jobs/job-handler.js';
import type { JudgeModelAnswer, JudgeModelClient } from './judge-model-client.js';
import { judgeChatRequest, onlineJudgeDefinition, UnsupportedOnlineJudge, type JudgeMaterial, type OnlineJudgeDefinition } from './online-judge-definition.js';
import { FINISHED, judgementAssessmentId, metadataEquals, ONLINE_SCORING_JOB, type OnlineScoringJobPayload } from './online-scoring-jobs.js';
import { sessionMaterial, traceMaterial } from './trace-material.js';

/** Most traces of a session a session judge reads. */
const MAX_SESSION_TRACES = 200;
/** Gateway answers that retrying cannot change: the provider refused the request, the endpoint is gone, the budget is spent. */
const PERMANENT_GATEWAY_ERRORS = new Set<string>(['BAD_REQUEST', 'INVALID_PARAMETER_VALUE', 'RESOURCE_DOES_NOT_EXIST', 'RESOURCE_EXHAUSTED']);

/** The judge's answer could not be read; the attempt is retried. */
class UnreadableVerdict extends Error {}

/** What a judgement came to: a verdict with the call's usage, or an error for the assessment. */
type Judgement = { value: unknown; rationale: string; answer: JudgeModelAnswer } | { error: { code: string; message: string } };

function errorText(err: unknown): string {
  return err instanceof Error ? err.message || err.name : String(err);
}

/** Event-loop utilization from which the server counts as saturated and judgements run one at a time. */
export const SATURATED = 0.9;

/**
 * Runs one online judgement (spec §11.1) and writes its assessment: source `LLM_JUDGE` with the
 * judge's model, named after the scorer, with the rationale and the call's cost and tokens in the
 * metadata (and `mlflow.assessment.onlineScoringSessionId` for a session judge). Idempotent: the
 * assessment's id comes from the judgement's key and is looked up first, so an attempt repeated
 * after a crash (or a second enqueue of the same judgement) never writes it twice. Transient model
 * failures are retried by the runner; when the last attempt fails, or the failure cannot pass
 * (a client error, a scorer the server cannot run), an error assessment is written and the job is
 * failed, which keeps its row as the dead letter. A session judged again drops its earlier online
 * verdicts on the session's other traces. Judgements can wait: while the main thread is saturated
 * (`load` at or above {@link SATURATED}, an ingest burst) one runs at a time, so requests keep the
 * cores and the backlog is judged when the burst eases.
 *
 * @example
 * runner.register(new OnlineScoringHandler({ traces, assessments, scorers, judgeModel, clock, load: new EventLoopLoad() }));
 */
export class OnlineScoringHandler implements JobHandler<OnlineScoringJobPayload> {
  readonly kind = ONLINE_SCORING_JOB;

  constructor(
    private readonly deps: {
      traces: TraceStore;
      assessments: AssessmentStore;
      scorers: ScorerStore;
      judgeModel: JudgeModelClient;
      clock: Clock;
      /** The main thread's load; without it judgements are never held back. */
      load?: LoadGauge;
    },
  ) {}

  maxRunning(): number {
    return this.deps.load && this.deps.load.utilization() >= SATURATED ? 1 : Infinity;
  }

  async run(job: RunningJob<OnlineScoringJobPayload>, signal: AbortSignal): Promise<JobResult | void> {
    const p = job.payload;
    const assessmentId = judgementAssessmentId(p);
    if (await this.deps.assessments.getAssessment(p.traceId, assessmentId)) return; // done by an earlier attempt
    const trace = await this.deps.traces.getTrace(p.traceId);
    if (!trace) return; // deleted meanwhile: nothing to score
    const scorer = await this.deps.scorers.getScorerVersion(p.experimentId, p.scorerName, p.version);
    if (!scorer || scorer.scorerId !== p.scorerId) return; // the scorer or this version was deleted
    let judge: OnlineJudgeDefinition;
    try {
      judge = onlineJudgeDefinition(p.scorerName, scorer.serializedScorer);
    } catch (err) {
      if (!(err instanceof UnsupportedOnlineJudge)) throw err;
      await this.write(p, assessmentId, undefined, { error: { code: 'SCORER_ERROR', message: err.message } });
      return { outcome: 'fail', error: err.message };
    }
    const session = p.sessionId === undefined ? undefined : { ...p, sessionId: p.sessionId };
    const sessionTraces = session ? await this.sessionTraces(session, trace) : undefined;
    const material = sessionTraces ? await sessionMaterial(this.deps.traces, sessionTraces) : await traceMaterial(this.deps.traces, trace);
    let judgement: Judgement;
    try {
      judgement = await this.judge(judge, material, signal);
    } catch (err) {
      // A refused request, a missing endpoint or a spent budget will not get better by retrying.
      const permanent = (err instanceof LlmError && !err.retryable) || (ApiError.is(err) && PERMANENT_GATEWAY_ERRORS.has(err.code));
      if (!permanent && job.attempt < job.maxAttempts) throw err; // the runner retries with backoff
      const code = err instanceof UnreadableVerdict ? 'INVALID_JUDGE_RESPONSE' : 'JUDGE_ERROR';
      await this.write(p, assessmentId, judge, { error: { code, message: errorText(err) } });
      return { outcome: 'fail', error: errorText(err) };
    }
    await this.write(p, assessmentId, judge, judgement);
    if (session && sessionTraces) await this.removeEarlierSessionVerdicts(session, sessionTraces);
  }

  /** The session's finished traces, oldest first, the judged one included. */
  private async sessionTraces(p: OnlineScoringJobPayload & { sessionId: string }, trace: TraceRecord): Promise<TraceRecord[]> {
    const { items } = await this.deps.traces.searchTraces({
      experimentIds: [p.experimentId],
      filter: [metadataEquals(TraceMetadataKey.SESSION, p.sessionId), FINISHED],
      orderBy: [{ entity: 'attribute', key: 'timestamp_ms', ascending: true }],
      page: { limit: MAX_SESSION_TRACES },
    });
    return items.some((t) => t.traceId === trace.traceId) ? items : [...items, trace];
  }

  /**
   * A session judged again (it went on after an earlier verdict): the earlier online verdicts of this
   * scorer on the session's other traces go, as MLflow's session processor removes them.
   */
  private async removeEarlierSessionVerdicts(p: OnlineScoringJobPayload & { sessionId: string }, traces: readonly TraceRecord[]): Promise<void> {
    for (const t of traces) {
      if (t.traceId === p.traceId) continue;
      for (const a of t.assessments ?? []) {
        if (a.name === p.scorerName && a.sourceType === 'LLM_JUDGE' && a.metadata[AssessmentMetadataKey.ONLINE_SCORING_SESSION_ID] === p.sessionId) {
          await this.deps.assessments.deleteAssessment(t.traceId, a.assessmentId);
        }
      }
    }
  }

  private async judge(judge: OnlineJudgeDefinition, material: JudgeMaterial, signal: AbortSignal): Promise<Judgement> {
    const answer = await this.deps.judgeModel.chat(judge.endpointName, judgeChatRequest(judge, material), signal);
    const text = answer.completion.choices[0]?.message.content;
    const read = parseVerdict(typeof text === 'string' ? text : '', judge.verdictType);
    if ('problem' in read) throw new UnreadableVerdict(`The judge's answer could not be read: ${read.problem}`);
    return { value: read.verdict.value, rationale: read.verdict.rationale, answer };
  }

  private async write(p: OnlineScoringJobPayload, assessmentId: string, judge: OnlineJudgeDefinition | undefined, judgement: Judgement): Promise<void> {
    const now = this.deps.clock.now();
    const metadata: Record<string, string> = {};
    if (p.sessionId !== undefined) metadata[AssessmentMetadataKey.ONLINE_SCORING_SESSION_ID] = p.sessionId;
    const record: AssessmentRecord = {
      assessmentId,
      traceId: p.traceId,
      name: p.scorerName,
      kind: 'feedback',
      sourceType: 'LLM_JUDGE',
      sourceId: judge?.model ?? p.scorerName,
      createTimeMs: now,
      lastUpdateTimeMs: now,
      metadata,
      valid: true,
    };
    if ('error' in judgement) {
      record.error = JSON.stringify({ error_code: judgement.error.code, error_message: judgement.error.message });
    } else {
      record.value = JSON.stringify(judgement.value);
      if (judgement.rationale) record.rationale = judgement.rationale;
      const { usage, cost } = judgement.answer;
      if (cost) metadata[AssessmentMetadataKey.JUDGE_COST] = String(cost.total_cost);
      if (usage) {
        metadata[AssessmentMetadataKey.JUDGE_INPUT_TOKENS] = String(usage.prompt_tokens);
        metadata[AssessmentMetadataKey.JUDGE_OUTPUT_TOKENS] = String(usage.completion_tokens);
      }
    }
    try {
      await this.deps.assessments.createAssessment(record);
    } catch (err) {
      // Two attempts raced past the lookup (a lease lost mid-call): the id's key let one in.
      if (await this.deps.assessments.getAssessment(p.traceId, assessmentId)) return;
      throw err;
    }
  }
}
