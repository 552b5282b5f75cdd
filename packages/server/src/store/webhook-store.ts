import type { WebhookDeliveryStatus, WebhookEvent, WebhookStatus } from '@loupe/protocol';
import type { NewJob } from './job-store.js';

/** A webhook as stored. The secret is kept only encrypted; times are epoch milliseconds. */
export interface WebhookRecord {
  webhookId: string;
  name: string;
  description?: string;
  url: string;
  /** In the order the client gave them. */
  events: WebhookEvent[];
  status: WebhookStatus;
  /** The secret as `SecretCipher.encrypt` made it; null: deliveries are not signed. */
  secretCiphertext: string | null;
  creationTimestamp: number;
  lastUpdatedTimestamp: number;
}

/** What an update changes (absent fields stay). */
export type WebhookPatch = Partial<Pick<WebhookRecord, 'name' | 'description' | 'url' | 'events' | 'status' | 'secretCiphertext'>> & {
  lastUpdatedTimestamp: number;
};

/** One event for one webhook, and how sending it went. */
export interface WebhookDeliveryRecord {
  deliveryId: string;
  webhookId: string;
  /** The event's sequence number in `registry_events`. */
  eventSeq: number;
  /** Lowercase, as in the delivery body. */
  entity: string;
  action: string;
  /** JSON text of the event's `data`. */
  payload: string;
  /** When the event happened (its row's `created_at`). */
  eventTime: number;
  status: WebhookDeliveryStatus;
  attempts: number;
  lastResponseStatus?: number;
  lastError?: string;
  createdAt: number;
  lastAttemptAt?: number;
  nextAttemptAt?: number;
  completedAt?: number;
}

/** What an attempt changes on its delivery. */
export type DeliveryAttempt = Pick<WebhookDeliveryRecord, 'status' | 'attempts'> &
  Partial<Pick<WebhookDeliveryRecord, 'lastResponseStatus' | 'lastError' | 'lastAttemptAt' | 'nextAttemptAt' | 'completedAt'>>;

/** How one fan-out pass runs. */
export interface FanOutOptions {
  /** Events read at most in this pass. */
  maxEvents: number;
  now: number;
  /**
   * How long a sequence number that was passed over (given out, not yet committed, or rolled back)
   * is watched for: an event that commits within this time is still fanned out.
   */
  gapTtlMs: number;
  newDeliveryId(): string;
  /** The job that sends a delivery. */
  deliveryJob(deliveryId: string): NewJob;
}

/** What a fan-out pass did. */
export interface FanOutReport {
  events: number;
  deliveries: number;
}

/** A page of a list. */
export interface Page<T> {
  items: T[];
  hasMore: boolean;
}

/** Where a page of the delivery log starts: after this (newest-first) position. */
export interface DeliveryCursor {
  createdAt: number;
  deliveryId: string;
}

/**
 * Webhooks and their deliveries (spec §6.3, ADR 0012). The fan-out reads the registry's event log
 * (`registry_events`, written in the transaction of each registry change) past a cursor kept in the
 * database, and in one transaction creates a delivery and its job for each ACTIVE webhook subscribed
 * to each event and moves the cursor: each event fans out once, whichever server does it.
 */
export interface WebhookStore {
  create(record: WebhookRecord): Promise<void>;
  /** A webhook that is not deleted. */
  get(webhookId: string): Promise<WebhookRecord | undefined>;
  /** Newest first (MLflow's order). */
  list(offset: number, limit: number): Promise<Page<WebhookRecord>>;
  /** Undefined when there is no such webhook (or it is deleted). */
  update(webhookId: string, patch: WebhookPatch): Promise<WebhookRecord | undefined>;
  /** Soft delete, as MLflow; false when there was no such webhook. */
  delete(webhookId: string, now: number): Promise<boolean>;
  /** One fan-out pass over the event log. */
  fanOut(options: FanOutOptions): Promise<FanOutReport>;
  getDelivery(deliveryId: string): Promise<WebhookDeliveryRecord | undefined>;
  /** The webhook of a delivery even if deleted since (a delivery of a deleted webhook is skipped). */
  getForDelivery(webhookId: string): Promise<(WebhookRecord & { deleted: boolean }) | undefined>;
  recordAttempt(deliveryId: string, attempt: DeliveryAttempt): Promise<void>;
  /** Newest first. */
  listDeliveries(webhookId: string, limit: number, after?: DeliveryCursor): Promise<Page<WebhookDeliveryRecord>>;
}
