/** Webhook tables (migrations/0011). Times are epoch milliseconds. */
export interface WebhooksTable {
  webhook_id: string;
  name: string;
  description: string | null;
  url: string;
  /** `ACTIVE` or `DISABLED`. */
  status: string;
  secret_ciphertext: string | null;
  creation_timestamp: number;
  last_updated_timestamp: number;
  deleted_timestamp: number | null;
}

export interface WebhookEventsTable {
  webhook_id: string;
  /** Proto names: `REGISTERED_MODEL`, `CREATED`. */
  entity: string;
  action: string;
  position: number;
}

export interface WebhookDeliveriesTable {
  delivery_id: string;
  webhook_id: string;
  event_seq: number;
  /** Lowercase, as in the delivery body: `registered_model`, `created`. */
  entity: string;
  action: string;
  /** JSON text of the event's `data`. */
  payload: string;
  event_time: number;
  /** `PENDING`, `RETRYING`, `SUCCEEDED`, `FAILED` or `SKIPPED`. */
  status: string;
  attempts: number;
  last_response_status: number | null;
  last_error: string | null;
  created_at: number;
  last_attempt_at: number | null;
  next_attempt_at: number | null;
  completed_at: number | null;
}

export interface WebhookFanoutCursorTable {
  id: number;
  last_seq: number;
  /** JSON `[{ "seq": n, "seen": ms }]`: sequence numbers passed over that may still commit. */
  gaps: string;
}

/** The webhook tables, part of {@link Database}. `registry_events` is the registry's, read with plain SQL. */
export interface WebhookTables {
  webhooks: WebhooksTable;
  webhook_events: WebhookEventsTable;
  webhook_deliveries: WebhookDeliveriesTable;
  webhook_fanout_cursor: WebhookFanoutCursorTable;
}
