/**
 * MLflow's reserved `mlflow.*` keys (spec §4.7): span attributes, trace tags and metadata, run tags,
 * and the `tr-` trace id prefix. Every package reads and writes them from here, so a key is spelled
 * once. Plain constants: `@loupe/protocol/attributes` loads nothing else.
 */

/**
 * The prefix MLflow reserves for its own keys: a tag or metadata key starting with it was written by
 * MLflow (or Loupe), not by the user.
 *
 * @example
 * const userTags = Object.keys(info.tags).filter((k) => !k.startsWith(MLFLOW_KEY_PREFIX));
 */
export const MLFLOW_KEY_PREFIX = 'mlflow.';

/**
 * Span attribute keys MLflow's clients and server agree on (spec §4.7). Values are JSON-encoded, as
 * MLflow's SDKs write them (Loupe's span API does it), so a string `"123"` never reads back as a number.
 *
 * @example
 * loupeSpan.setAttribute(SpanAttributeKey.SPAN_TYPE, 'LLM'); // Loupe's span API JSON-encodes the value
 */
export const SpanAttributeKey = {
  TRACE_ID: 'mlflow.traceRequestId',
  SPAN_TYPE: 'mlflow.spanType',
  INPUTS: 'mlflow.spanInputs',
  OUTPUTS: 'mlflow.spanOutputs',
  FUNCTION_NAME: 'mlflow.spanFunctionName',
  TOKEN_USAGE: 'mlflow.chat.tokenUsage',
  LLM_COST: 'mlflow.llm.cost',
  LLM_MODEL: 'mlflow.llm.model',
  LLM_PROVIDER: 'mlflow.llm.provider',
  /** The conversation of an LLM call in Loupe's one chat format (`ChatMessage[]`). */
  CHAT_MESSAGES: 'mlflow.chat.messages',
  /** The tools offered to the model (`ChatTool[]`). */
  CHAT_TOOLS: 'mlflow.chat.tools',
  /** A span attribute `mlflow.traceTag.<key>` sets the trace tag `<key>`. */
  TRACE_TAG_PREFIX: 'mlflow.traceTag.',
} as const;

/**
 * Span attributes of the chat format (issue 5, see `ChatMessage`): the conversation and the tools offered.
 *
 * @example
 * span.setAttributes({ [CHAT_ATTRIBUTES.MESSAGES]: JSON.stringify(messages) });
 */
export const CHAT_ATTRIBUTES = {
  MESSAGES: SpanAttributeKey.CHAT_MESSAGES,
  TOOLS: SpanAttributeKey.CHAT_TOOLS,
} as const;

/** One of {@link SpanAttributeKey}'s keys. */
export type SpanAttributeKeyName = (typeof SpanAttributeKey)[keyof typeof SpanAttributeKey];

/**
 * The prefix of MLflow trace ids: `tr-` + the 32-hex OpenTelemetry trace id (spec §1.6).
 *
 * @example
 * const traceId = TRACE_ID_PREFIX + span.spanContext().traceId;
 */
export const TRACE_ID_PREFIX = 'tr-';

/**
 * Trace metadata keys.
 *
 * @example
 * info.trace_metadata[TraceMetadataKey.SESSION]; // 'chat-42'
 */
export const TraceMetadataKey = {
  SCHEMA_VERSION: 'mlflow.trace_schema.version',
  MODEL_ID: 'mlflow.modelId',
  SOURCE_RUN: 'mlflow.sourceRun',
  SESSION: 'mlflow.trace.session',
  USER: 'mlflow.trace.user',
  TOKEN_USAGE: 'mlflow.trace.tokenUsage',
  COST: 'mlflow.trace.cost',
  SOURCE_NAME: 'mlflow.source.name',
  SOURCE_TYPE: 'mlflow.source.type',
  /** The client's size statistics (JSON; `num_spans` is the span count). */
  SIZE_STATS: 'mlflow.trace.sizeStats',
} as const;

/**
 * Trace tag keys.
 *
 * @example
 * info.tags[TraceTagKey.TRACE_NAME]; // 'predict'
 */
export const TraceTagKey = {
  TRACE_NAME: 'mlflow.traceName',
  SPANS_LOCATION: 'mlflow.trace.spansLocation',
  /** Where the trace's span data file lives (server-added, spec §4.3). */
  ARTIFACT_LOCATION: 'mlflow.artifactLocation',
  /** JSON list of `{name, version}`: the prompt versions a trace used (`prompt = 'name/version'` searches it). */
  LINKED_PROMPTS: 'mlflow.linkedPrompts',
} as const;

/**
 * Run tag keys MLflow's clients set and its UI shows; logged models carry the `mlflow.source.*` ones too.
 *
 * @example
 * run.data.tags.find((t) => t.key === RunTagKey.PARENT_RUN_ID)?.value;
 */
export const RunTagKey = {
  RUN_NAME: 'mlflow.runName',
  PARENT_RUN_ID: 'mlflow.parentRunId',
  USER: 'mlflow.user',
  SOURCE_NAME: 'mlflow.source.name',
  SOURCE_TYPE: 'mlflow.source.type',
  GIT_COMMIT: 'mlflow.source.git.commit',
  GIT_BRANCH: 'mlflow.source.git.branch',
  GIT_DIRTY: 'mlflow.source.git.dirty',
  GIT_REPO_URL: 'mlflow.source.git.repoURL',
  /** The run's description (markdown). */
  NOTE: 'mlflow.note.content',
  /** JSON list of the models logged from the run. */
  LOGGED_MODELS: 'mlflow.log-model.history',
} as const;

/**
 * Experiment tag keys MLflow's clients and UI set.
 *
 * @example
 * experiment.tags?.find((t) => t.key === ExperimentTagKey.KIND)?.value; // 'genai_development'
 */
export const ExperimentTagKey = {
  /** What the experiment is for: `genai_development` (apps and agents: traces) or `custom_model_development` (training: runs), as MLflow 3's UI sets it. */
  KIND: 'mlflow.experimentKind',
  /** The experiment's description (markdown). */
  NOTE: 'mlflow.note.content',
} as const;

/**
 * The tag on a run's dataset input saying what it was used for (`training`, `eval`, ...); `dataset.context` searches it.
 *
 * @example
 * input.tags.find((t) => t.key === DATASET_CONTEXT_TAG)?.value; // 'training'
 */
export const DATASET_CONTEXT_TAG = 'mlflow.data.context';

/**
 * Assessment metadata holding the run that produced an assessment.
 *
 * @example
 * assessment.metadata?.[ASSESSMENT_SOURCE_RUN_METADATA]; // the run id
 */
export const ASSESSMENT_SOURCE_RUN_METADATA = 'mlflow.assessment.sourceRunId';

/**
 * Tag keys of MLflow's prompt registry (spec §7): a prompt is a registered model tagged
 * `mlflow.prompt.is_prompt = true`, each prompt version a model version carrying its template and type.
 * The underscore keys are spelled that way because Unity Catalog tags cannot contain dots.
 *
 * @example
 * version.tags.find((t) => t.key === PromptTagKey.TEXT)?.value; // 'Hello {{name}}'
 */
export const PromptTagKey = {
  /** `true` on a prompt and on each of its versions. */
  IS_PROMPT: 'mlflow.prompt.is_prompt',
  /** The template: text with `{{ variables }}`, or a JSON list of chat messages. */
  TEXT: 'mlflow.prompt.text',
  /** `text` or `chat`. */
  TYPE: '_mlflow_prompt_type',
  /** JSON schema of the expected response. */
  RESPONSE_FORMAT: '_mlflow_prompt_response_format',
  /** JSON model settings (`{provider, model_name, temperature, ...}`). */
  MODEL_CONFIG: '_mlflow_prompt_model_config',
  /** The experiments a prompt was used in, comma-wrapped: `,1,2,` (searched with `LIKE '%,<id>,%'`). */
  EXPERIMENT_IDS: '_mlflow_experiment_ids',
  /** Runs a prompt version was used in (older clients). */
  ASSOCIATED_RUN_IDS: 'mlflow.prompt.associatedRunIds',
} as const;

/**
 * Logged-model tag keys the server writes.
 *
 * @example
 * JSON.parse(model.info.tags.find((t) => t.key === LoggedModelTagKey.MODEL_VERSIONS)?.value ?? '[]'); // [{ name: 'clf', version: '1' }]
 */
export const LoggedModelTagKey = {
  /** JSON list of `{name, version}`: the registered model versions made from the logged model. */
  MODEL_VERSIONS: 'mlflow.modelVersions',
} as const;

/**
 * Assessment metadata keys written by judges (MLflow's `AssessmentMetadataKey` and the keys of
 * `mlflow.genai.evaluate`): the judge call's USD cost and tokens, and the session an online session
 * judge scored (MLflow replaces an earlier verdict on the same session by it).
 *
 * @example
 * assessment.metadata?.[AssessmentMetadataKey.JUDGE_COST]; // '0.00012'
 */
export const AssessmentMetadataKey = {
  SOURCE_RUN_ID: ASSESSMENT_SOURCE_RUN_METADATA,
  JUDGE_COST: 'mlflow.assessment.judgeCost',
  JUDGE_INPUT_TOKENS: 'mlflow.assessment.judgeInputTokens',
  JUDGE_OUTPUT_TOKENS: 'mlflow.assessment.judgeOutputTokens',
  ONLINE_SCORING_SESSION_ID: 'mlflow.assessment.onlineScoringSessionId',
} as const;
