import { z } from 'zod';
import { ExperimentJson } from '../entities/tracking.js';

/**
 * Reply schemas of the tracking RPCs (spec §2) as they go on the wire: protobuf-JSON, empty lists
 * omitted, non-finite doubles as strings. The server checks its replies against them in tests.
 */

/** A reply with no fields (`{}`). */
export const Empty = z.strictObject({});

export const CreateExperiment = z.strictObject({ experiment_id: z.string() });
export const GetExperiment = z.strictObject({ experiment: ExperimentJson });
export const SearchExperiments = z.strictObject({ experiments: z.array(ExperimentJson).optional(), next_page_token: z.string().optional() });
