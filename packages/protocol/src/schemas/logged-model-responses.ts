import { z } from 'zod';
import { LoggedModelJson } from '../entities/tracking.js';

/**
 * Reply schemas of the logged-model RPCs (spec §3) as they go on the wire (empty lists omitted,
 * non-finite doubles as strings). Replies with no fields use `TrackingResponses.Empty`.
 */

/** CreateLoggedModel, GetLoggedModel and FinalizeLoggedModel. */
export const GetLoggedModel = z.strictObject({ model: LoggedModelJson });
export const SearchLoggedModels = z.strictObject({ models: z.array(LoggedModelJson).optional(), next_page_token: z.string().optional() });
