import { z } from 'zod';
import { EvaluationDatasetJson } from '../entities/datasets.js';

/**
 * Reply schemas of the evaluation dataset RPCs (spec §8.1) as they go on the wire (empty lists and
 * zero counts omitted). Replies with no fields use `TrackingResponses.Empty`.
 */

/** CreateDataset, GetDataset, AddDatasetToExperiments and RemoveDatasetFromExperiments. */
export const GetDataset = z.strictObject({ dataset: EvaluationDatasetJson });
export const SearchDatasets = z.strictObject({ datasets: z.array(EvaluationDatasetJson).optional(), next_page_token: z.string().optional() });
export const UpsertDatasetRecords = z.strictObject({ inserted_count: z.number().int().optional(), updated_count: z.number().int().optional() });
/** `records` is the JSON text of a list of records (MLflow's `DatasetRecord.to_dict()` each). */
export const GetDatasetRecords = z.strictObject({ records: z.string().optional(), next_page_token: z.string().optional() });
export const DeleteDatasetRecords = z.strictObject({ deleted_count: z.number().int().optional() });
export const GetDatasetExperimentIds = z.strictObject({ experiment_ids: z.array(z.string()).optional() });
