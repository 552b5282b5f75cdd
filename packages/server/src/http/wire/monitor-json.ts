import type { Monitor, MonitorEvent } from '@loupe/protocol';
import type { MonitorEventRecord, MonitorRecord } from '../../store/monitor-store.js';

/**
 * A monitor as it goes on the wire (docs/api.md "Monitors"; unset fields omitted).
 *
 * @example
 * monitorJson(await services.monitors.get(id));
 */
export function monitorJson(m: MonitorRecord): Monitor {
  return {
    monitor_id: m.monitorId,
    experiment_id: m.experimentId,
    name: m.name,
    ...(m.description !== undefined ? { description: m.description } : {}),
    metric: m.metric,
    ...(m.assessmentName !== undefined ? { assessment_name: m.assessmentName } : {}),
    ...(m.filterString !== undefined ? { filter_string: m.filterString } : {}),
    comparator: m.comparator,
    threshold: m.threshold,
    window_ms: m.windowMs,
    interval_ms: m.intervalMs,
    min_samples: m.minSamples,
    enabled: m.enabled,
    state: m.state,
    ...(m.lastValue !== undefined ? { last_value: m.lastValue } : {}),
    ...(m.lastSampleCount !== undefined ? { last_sample_count: m.lastSampleCount } : {}),
    ...(m.lastEvaluatedAt !== undefined ? { last_evaluated_timestamp: m.lastEvaluatedAt } : {}),
    ...(m.stateChangedAt !== undefined ? { state_changed_timestamp: m.stateChangedAt } : {}),
    creation_timestamp: m.creationTimestamp,
    last_updated_timestamp: m.lastUpdatedTimestamp,
  };
}

/**
 * One state change of a monitor on the wire.
 *
 * @example
 * (await services.monitors.events(id, 50)).events.map(monitorEventJson);
 */
export function monitorEventJson(e: MonitorEventRecord): MonitorEvent {
  return {
    event_id: e.eventId,
    monitor_id: e.monitorId,
    from_state: e.fromState,
    to_state: e.toState,
    ...(e.value !== undefined ? { value: e.value } : {}),
    sample_count: e.sampleCount,
    threshold: e.threshold,
    comparator: e.comparator,
    timestamp: e.createdAt,
  };
}
