import { ExperimentTagKey, type KeyValue } from '@loupe/protocol';

/**
 * Which tab an experiment opens on when its URL names none. MLflow 3's UI decides it the same way
 * (`useInferExperimentKind`, `useNavigateToExperimentPageTab`): the `mlflow.experimentKind` tag when
 * set, else the data: traces make a GenAI experiment, runs alone an ML one.
 */

/** A tab an experiment can open on. */
export type LandingTab = 'overview' | 'traces' | 'runs';

/** What an experiment is for, as its kind tag says: GenAI apps and agents, or model training. */
export type ExperimentKind = 'genai' | 'ml';

/** MLflow's kinds (its `ExperimentKind` enum); the `_inferred` ones are what its UI guessed. */
const GENAI_KINDS = new Set(['genai_development', 'genai_development_inferred']);
const ML_KINDS = new Set([
  'custom_model_development',
  'custom_model_development_inferred',
  'finetuning',
  'forecasting',
  'classification',
  'regression',
  'automl',
]);

/**
 * The experiment's kind from its `mlflow.experimentKind` tag; undefined when unset or undecided
 * (`no_inferred_type`, empty, unknown values).
 *
 * @example
 * experimentKindOf([{ key: 'mlflow.experimentKind', value: 'custom_model_development' }]); // 'ml'
 */
export function experimentKindOf(tags: readonly KeyValue[] | undefined): ExperimentKind | undefined {
  const value = tags?.find((t) => t.key === ExperimentTagKey.KIND)?.value;
  if (value === undefined) return undefined;
  if (GENAI_KINDS.has(value)) return 'genai';
  if (ML_KINDS.has(value)) return 'ml';
  return undefined;
}

/**
 * The tab to open: an ML experiment (by its tag) on Runs; a GenAI one on the overview once it has
 * traces, else on Traces (which says how to send them); untagged, traces mean the overview and runs
 * alone mean Runs. Null when there is nothing yet: the page says how to start.
 *
 * @example
 * landingTab({ kind: undefined, hasTraces: false, hasRuns: true }); // 'runs' (the README's quickstart)
 */
export function landingTab({ kind, hasTraces, hasRuns }: { kind: ExperimentKind | undefined; hasTraces: boolean; hasRuns: boolean }): LandingTab | null {
  if (kind === 'ml') return 'runs';
  if (kind === 'genai') return hasTraces ? 'overview' : 'traces';
  if (hasTraces) return 'overview';
  if (hasRuns) return 'runs';
  return null;
}
