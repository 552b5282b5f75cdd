/** Monitor tables (migrations/0019). Times are epoch milliseconds. */
export interface MonitorsTable {
  monitor_id: string;
  experiment_id: number;
  name: string;
  description: string | null;
  metric: string;
  assessment_name: string | null;
  filter_string: string | null;
  comparator: string;
  threshold: number;
  window_ms: number;
  interval_ms: number;
  min_samples: number;
  /** 0 or 1. */
  enabled: number;
  state: string;
  last_value: number | null;
  last_sample_count: number | null;
  last_evaluated_at: number | null;
  state_changed_at: number | null;
  next_evaluation_at: number;
  version: number;
  creation_timestamp: number;
  last_updated_timestamp: number;
}

export interface MonitorEventsTable {
  event_id: string;
  monitor_id: string;
  from_state: string;
  to_state: string;
  value: number | null;
  sample_count: number;
  threshold: number;
  comparator: string;
  created_at: number;
}

/** The monitor tables, part of {@link Database}. */
export interface MonitorTables {
  monitors: MonitorsTable;
  monitor_events: MonitorEventsTable;
}
