import { z } from 'zod';
import { SpanJson, TraceInfoV3Json } from '../entities/traces.js';
import { wireDouble } from './fields.js';

export { Empty } from './tracking-responses.js';

/**
 * Reply schemas of the trace RPCs (spec §4.2) as they go on the wire: protobuf-JSON, empty lists
 * omitted. The server checks its replies against them in tests.
 */

export const StartTraceV3 = z.strictObject({ trace: z.strictObject({ trace_info: TraceInfoV3Json }) });
export const GetTraceInfoV3 = StartTraceV3;
export const SearchTracesV3 = z.strictObject({ traces: z.array(TraceInfoV3Json).optional(), next_page_token: z.string().optional() });
/** A trace with its spans, as GetTrace and BatchGetTraces return it. */
const TraceWithSpans = z.strictObject({ trace_info: TraceInfoV3Json, spans: z.array(SpanJson).optional() });
export const GetTrace = z.strictObject({ trace: TraceWithSpans });
export const BatchGetTraces = z.strictObject({ traces: z.array(TraceWithSpans).optional() });
export const BatchGetTraceInfos = z.strictObject({ trace_infos: z.array(TraceInfoV3Json).optional() });
export const DeleteTraces = z.strictObject({ traces_deleted: z.number().int() });

export const QueryTraceMetrics = z.strictObject({
  data_points: z
    .array(
      z.strictObject({
        metric_name: z.string(),
        dimensions: z.record(z.string(), z.string()),
        values: z.record(z.string(), wireDouble()),
      }),
    )
    .optional(),
  next_page_token: z.string().optional(),
});
