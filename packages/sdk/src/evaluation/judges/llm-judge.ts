import { PriceCatalog } from '@loupe/protocol/pricing';
import type { JudgeUsage, Scorer, ScorerFeedback, ScorerInput } from '../scorer-types.js';
import { MissingJudgeInput } from './judge-inputs.js';
import { DEFAULT_JUDGE_MODEL, judgeModel, type JudgeModelOptions } from './model/judge-model.js';
import type { JudgeChatRequest, JudgeChatResponse, JudgeMessage, JudgeModel } from './model/types.js';
import { parseVerdict, verdictInstructions, verdictSchema, type VerdictType } from './verdict.js';

/**
 * What every LLM judge shares: the model (made lazily from a URI, so a judge can be built before its
 * key is set), one model conversation per verdict with one repair turn for an unreadable answer,
 * token usage and cost, and the rule that a judge reports failures as error feedback instead of
 * throwing (only an abort propagates).
 */

/** Error codes of judge feedback. */
export const JudgeErrorCode = {
  /** The model's answer was not a verdict, even after one repair turn. */
  PARSE: 'JUDGE_PARSE_ERROR',
  /** An input the judge needs is missing (the message names it). */
  MISSING_INPUT: 'JUDGE_MISSING_INPUT',
  /** The model could not be reached or refused the request (after retries), or is misconfigured. */
  MODEL: 'JUDGE_MODEL_ERROR',
} as const;

/** Options every judge takes. */
export interface JudgeOptions {
  /** The assessment name (default: the judge's MLflow name, e.g. `correctness`). */
  name?: string;
  /** A model URI (`openai:/gpt-4o-mini`) or a model from `judgeModel()` (default `openai:/gpt-4.1-mini`). */
  model?: string | JudgeModel;
  /** Options for the model made from a URI (keys, base URL, retries, rate limit). */
  modelOptions?: JudgeModelOptions;
  /** The price catalog for `usage.costUsd` (default: Loupe's default prices); `false` for no cost. */
  pricing?: PriceCatalog | false;
}

/** Usage of the calls behind one verdict, summed. */
class UsageMeter {
  private input = 0;
  private output = 0;
  private cost = 0;
  private counted = false;
  private priced = true;

  constructor(
    private readonly uri: string,
    private readonly pricing: PriceCatalog | false,
  ) {}

  add(response: JudgeChatResponse, requestedModel: string): void {
    const { inputTokens, outputTokens } = response.usage;
    if (inputTokens === undefined && outputTokens === undefined) return;
    this.counted = true;
    this.input += inputTokens ?? 0;
    this.output += outputTokens ?? 0;
    const usage = { input_tokens: inputTokens ?? 0, output_tokens: outputTokens ?? 0 };
    const cost = this.pricing ? (this.pricing.cost(response.model, usage) ?? this.pricing.cost(requestedModel, usage)) : undefined;
    if (cost) this.cost += cost.total_cost;
    else this.priced = false;
  }

  usage(): JudgeUsage {
    if (!this.counted) return { model: this.uri };
    return { model: this.uri, inputTokens: this.input, outputTokens: this.output, ...(this.priced ? { costUsd: Math.round(this.cost * 1e9) / 1e9 } : {}) };
  }
}

/** One verdict's conversation with the model: chats record usage, the answer is read with one repair turn. */
export class VerdictConversation {
  readonly meter: UsageMeter;

  constructor(
    readonly model: JudgeModel,
    pricing: PriceCatalog | false,
    private readonly signal: AbortSignal | undefined,
  ) {
    this.meter = new UsageMeter(model.uri, pricing);
  }

  /** Asks the model, recording the call's usage. */
  async chat(request: JudgeChatRequest): Promise<JudgeChatResponse> {
    const response = await this.model.chat(request, this.signal);
    this.meter.add(response, this.model.model);
    return response;
  }

  /**
   * Reads `answer` (the reply to `request`) as a verdict; when it is not one, tells the model what
   * is wrong once and reads the second answer. Returns the feedback (value or parse error) with usage.
   */
  async readVerdict(request: JudgeChatRequest, answer: JudgeChatResponse, type: VerdictType): Promise<ScorerFeedback> {
    let parsed = parseVerdict(answer.text, type);
    if ('problem' in parsed) {
      const messages: JudgeMessage[] = [
        ...request.messages,
        { role: 'assistant', content: answer.text },
        { role: 'user', content: `Your answer could not be read: ${parsed.problem}. ${verdictInstructions(type)}` },
      ];
      const retry = await this.chat({ ...request, messages, toolChoice: 'none' });
      parsed = parseVerdict(retry.text, type);
      if ('problem' in parsed)
        return {
          error: {
            code: JudgeErrorCode.PARSE,
            message: `the judge model's answer is not a verdict (${parsed.problem}): ${JSON.stringify(retry.text.slice(0, 200))}`,
          },
          usage: this.meter.usage(),
        };
    }
    return { value: parsed.verdict.value, rationale: parsed.verdict.rationale, usage: this.meter.usage() };
  }
}

/** A judge's prompt for one verdict. */
export interface JudgePrompt {
  /** What to judge and how (the verdict format is appended). */
  instructions: string;
  /** The material: request, response, documents, ... */
  content: string;
}

/** What a judge's `run` gets: its name and a way to ask for one verdict. */
export interface JudgeContext {
  name: string;
  /** One verdict (or its error feedback, usage included); never throws except on abort. */
  ask(prompt: JudgePrompt, type?: VerdictType): Promise<ScorerFeedback>;
  /** A conversation for judges that drive the model themselves (the trace agent). */
  conversation(): Promise<VerdictConversation>;
}

/** A judge's definition for {@link createLlmJudge}. */
export interface LlmJudgeDefinition {
  /** Default assessment name. */
  name: string;
  level: 'trace' | 'session';
  options: JudgeOptions | undefined;
  run(context: JudgeContext, input: ScorerInput): Promise<ScorerFeedback | ScorerFeedback[]>;
}

const DEFAULT_PRICES = PriceCatalog.withDefaults();

/** An error feedback from a caught failure; aborts and programming errors are rethrown. */
function failure(err: unknown, signal: AbortSignal | undefined, name: string): ScorerFeedback {
  if (signal?.aborted) throw signal.reason;
  if (err instanceof MissingJudgeInput) return { error: { code: JudgeErrorCode.MISSING_INPUT, message: `${name} ${err.message} (missing: ${err.field})` } };
  const e = err as Error;
  if (e?.name === 'JudgeModelError' || /^judge model:/.test(e?.message ?? '')) return { error: { code: JudgeErrorCode.MODEL, message: e.message } };
  throw err;
}

/**
 * A {@link Scorer} of source type `LLM_JUDGE` from a judge definition.
 *
 * @example
 * const judge = createLlmJudge({ name: 'politeness', level: 'trace', options, run: (ctx, input) => ctx.ask({ instructions, content: responseText(input) }) });
 */
export function createLlmJudge(definition: LlmJudgeDefinition): Scorer {
  const options = definition.options ?? {};
  const name = options.name ?? definition.name;
  const pricing = options.pricing ?? DEFAULT_PRICES;
  let model: JudgeModel | undefined = typeof options.model === 'object' ? options.model : undefined;
  const resolveModel = () => (model ??= judgeModel((options.model as string | undefined) ?? DEFAULT_JUDGE_MODEL, options.modelOptions));

  return {
    name,
    sourceType: 'LLM_JUDGE',
    level: definition.level,
    async score(input, signal) {
      const context: JudgeContext = {
        name,
        conversation: async () => new VerdictConversation(resolveModel(), pricing, signal),
        async ask(prompt, type = { kind: 'yes_no' }) {
          let conversation: VerdictConversation | undefined;
          try {
            conversation = new VerdictConversation(resolveModel(), pricing, signal);
            const request: JudgeChatRequest = {
              system: `${prompt.instructions}\n\n${verdictInstructions(type)}`,
              messages: [{ role: 'user', content: prompt.content }],
              responseSchema: verdictSchema(type),
            };
            return { name, ...(await conversation.readVerdict(request, await conversation.chat(request), type)) };
          } catch (err) {
            const usage = conversation?.meter.usage();
            return { name, ...failure(err, signal, name), ...(usage ? { usage } : {}) };
          }
        },
      };
      try {
        return await definition.run(context, input);
      } catch (err) {
        return { name, ...failure(err, signal, name) };
      }
    },
  };
}
