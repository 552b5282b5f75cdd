import { z } from 'zod';
import { TraceInfoV2Json } from '../entities/traces.js';

export { Empty } from './tracking-responses.js';

/** Reply schemas of the legacy v2 trace RPCs (spec §4.2) as they go on the wire. */

export const StartTrace = z.strictObject({ trace_info: TraceInfoV2Json });
export const EndTrace = StartTrace;
export const GetTraceInfo = StartTrace;
export const SearchTraces = z.strictObject({ traces: z.array(TraceInfoV2Json).optional(), next_page_token: z.string().optional() });
