import { z } from 'zod';
import { DatasetSummaryJson, ExperimentJson, FileInfoJson, MetricJson, RunInfoJson, RunJson } from '../entities/tracking.js';

/**
 * Reply schemas of the tracking RPCs (spec §2) as they go on the wire: protobuf-JSON, empty lists
 * omitted, non-finite doubles as strings. The server checks its replies against them in tests.
 */

/** A reply with no fields (`{}`). */
export const Empty = z.strictObject({});

export const CreateExperiment = z.strictObject({ experiment_id: z.string() });
export const GetExperiment = z.strictObject({ experiment: ExperimentJson });
export const SearchExperiments = z.strictObject({ experiments: z.array(ExperimentJson).optional(), next_page_token: z.string().optional() });

/** CreateRun and GetRun. */
export const GetRun = z.strictObject({ run: RunJson });
export const UpdateRun = z.strictObject({ run_info: RunInfoJson });
export const SearchRuns = z.strictObject({ runs: z.array(RunJson).optional(), next_page_token: z.string().optional() });
/** GetMetricHistory and the two bulk histories (whose points carry `run_id`). */
export const GetMetricHistory = z.strictObject({ metrics: z.array(MetricJson).optional(), next_page_token: z.string().optional() });
export const SearchDatasets = z.strictObject({ dataset_summaries: z.array(DatasetSummaryJson).optional() });

/** ListArtifacts and ListLoggedModelArtifacts (one page holds every file). */
export const ListArtifacts = z.strictObject({ root_uri: z.string(), files: z.array(FileInfoJson).optional(), next_page_token: z.string().optional() });
