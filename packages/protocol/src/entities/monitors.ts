import { z } from 'zod';
import { MONITOR_COMPARATORS, MONITOR_METRICS, MONITOR_STATES } from '../monitors/monitor-enums.js';

export {
  ASSESSMENT_MONITOR_METRICS,
  breaches,
  MONITOR_COMPARATORS,
  MONITOR_LIMITS,
  MONITOR_METRICS,
  MONITOR_STATES,
  readVerdict,
  type MonitorComparator,
  type MonitorMetric,
  type MonitorState,
  type Verdict,
} from '../monitors/monitor-enums.js';

/**
 * A monitor as it travels on the wire (Loupe extension, docs/api.md "Monitors"). Times are epoch
 * milliseconds; `last_value` is absent until an evaluation found enough samples.
 */
export const MonitorJson = z.strictObject({
  monitor_id: z.string(),
  experiment_id: z.string(),
  name: z.string(),
  description: z.string().optional(),
  metric: z.enum(MONITOR_METRICS),
  assessment_name: z.string().optional(),
  filter_string: z.string().optional(),
  comparator: z.enum(MONITOR_COMPARATORS),
  threshold: z.number(),
  window_ms: z.number().int(),
  interval_ms: z.number().int(),
  min_samples: z.number().int(),
  enabled: z.boolean(),
  state: z.enum(MONITOR_STATES),
  last_value: z.number().optional(),
  last_sample_count: z.number().int().optional(),
  last_evaluated_timestamp: z.number().int().optional(),
  state_changed_timestamp: z.number().int().optional(),
  creation_timestamp: z.number().int(),
  last_updated_timestamp: z.number().int(),
});
/** A monitor. */
export type Monitor = z.infer<typeof MonitorJson>;

/** One state change of a monitor (its alert history), newest first in lists. */
export const MonitorEventJson = z.strictObject({
  event_id: z.string(),
  monitor_id: z.string(),
  from_state: z.enum(MONITOR_STATES),
  to_state: z.enum(MONITOR_STATES),
  value: z.number().optional(),
  sample_count: z.number().int(),
  threshold: z.number(),
  comparator: z.enum(MONITOR_COMPARATORS),
  timestamp: z.number().int(),
});
/** One state change of a monitor. */
export type MonitorEvent = z.infer<typeof MonitorEventJson>;
