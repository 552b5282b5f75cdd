import { ApiError, type WebhookEvent, type WebhookStatus, type WebhookTestResult } from '@loupe/protocol';
import type { Clock } from '../../clock.js';
import type { DeliveryCursor, WebhookDeliveryRecord, WebhookRecord, WebhookStore } from '../../store/webhook-store.js';
import type { SecretCipher } from './secret-cipher.js';
import { deliveryBody, examplePayload, sign, WEBHOOK_HEADERS } from './webhook-payload.js';
import type { WebhookTransport } from './webhook-transport.js';
import type { WebhookUrlPolicy } from './webhook-url-policy.js';

/** A new webhook (checked at the edge; the URL is checked here, against configuration and DNS). */
export interface CreateWebhookCommand {
  name: string;
  url: string;
  events: WebhookEvent[];
  description?: string;
  secret?: string;
  status?: WebhookStatus;
}

/** What an update changes (absent: unchanged). */
export type UpdateWebhookCommand = Partial<CreateWebhookCommand>;

/** What the service needs besides its store. */
export interface WebhookServiceDeps {
  store: WebhookStore;
  clock: Clock;
  newId(): string;
  urls: WebhookUrlPolicy;
  /** Null: no secret key (PostgreSQL without `--secret-key`): secrets are refused. */
  cipher: SecretCipher | null;
  transport: WebhookTransport;
  /** Milliseconds a test POST may take. */
  timeoutMs: number;
}

/** A page of webhooks. */
export interface WebhookPage {
  webhooks: WebhookRecord[];
  nextPageToken?: string;
}

/** A page of the delivery log. */
export interface DeliveryPage {
  deliveries: WebhookDeliveryRecord[];
  nextPageToken?: string;
}

/** Each subscription once, in the order first given. */
function distinct(events: WebhookEvent[]): WebhookEvent[] {
  const seen = new Set<string>();
  return events.filter((e) => {
    const key = `${e.entity}.${e.action}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function notFound(webhookId: string): ApiError {
  return ApiError.notFound(`Webhook with ID ${webhookId} not found.`);
}

/** MLflow's offset page tokens: base64 of `{"offset": n}`. */
function decodeOffsetToken(token: string | undefined): number {
  if (!token) return 0;
  try {
    const offset = (JSON.parse(Buffer.from(token, 'base64').toString('utf8')) as { offset?: unknown }).offset;
    if (typeof offset === 'number' && Number.isSafeInteger(offset) && offset >= 0) return offset;
  } catch {
    // Reported below.
  }
  throw ApiError.invalid(`Invalid page token, could not base64-decode or parse: '${token}'`);
}

function decodeDeliveryToken(token: string | undefined): DeliveryCursor | undefined {
  if (!token) return undefined;
  try {
    const { t, id } = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { t?: unknown; id?: unknown };
    if (typeof t === 'number' && typeof id === 'string') return { createdAt: t, deliveryId: id };
  } catch {
    // Reported below.
  }
  throw ApiError.invalid(`Invalid page token: '${token}'`);
}

/**
 * Webhook use cases (spec §6.3): CRUD with MLflow's checks and messages, secrets encrypted before they
 * are stored and never returned, TestWebhook (one signed POST of the event's example payload, answered
 * with what the receiver said), and Loupe's delivery log.
 *
 * @example
 * const webhook = await webhooks.create({ name: 'deploy', url: 'https://ci.example.com/hook', events: [{ entity: 'MODEL_VERSION_ALIAS', action: 'CREATED' }] });
 */
export class WebhookService {
  constructor(private readonly deps: WebhookServiceDeps) {}

  async create(command: CreateWebhookCommand): Promise<WebhookRecord> {
    await this.deps.urls.check(command.url);
    const now = this.deps.clock.now();
    const record: WebhookRecord = {
      webhookId: this.deps.newId(),
      name: command.name,
      url: command.url,
      events: distinct(command.events),
      status: command.status ?? 'ACTIVE',
      secretCiphertext: command.secret ? this.encrypt(command.secret) : null,
      creationTimestamp: now,
      lastUpdatedTimestamp: now,
    };
    if (command.description) record.description = command.description;
    await this.deps.store.create(record);
    return record;
  }

  async get(webhookId: string): Promise<WebhookRecord> {
    const webhook = await this.deps.store.get(webhookId);
    if (!webhook) throw notFound(webhookId);
    return webhook;
  }

  async list(maxResults: number, pageToken: string | undefined): Promise<WebhookPage> {
    const offset = decodeOffsetToken(pageToken);
    const page = await this.deps.store.list(offset, maxResults);
    return page.hasMore
      ? { webhooks: page.items, nextPageToken: Buffer.from(JSON.stringify({ offset: offset + maxResults })).toString('base64') }
      : { webhooks: page.items };
  }

  async update(webhookId: string, command: UpdateWebhookCommand): Promise<WebhookRecord> {
    if (command.url !== undefined) {
      if (!(await this.deps.store.get(webhookId))) throw notFound(webhookId);
      await this.deps.urls.check(command.url);
    }
    const updated = await this.deps.store.update(webhookId, {
      ...(command.name !== undefined ? { name: command.name } : {}),
      ...(command.description !== undefined ? { description: command.description } : {}),
      ...(command.url !== undefined ? { url: command.url } : {}),
      ...(command.events !== undefined ? { events: distinct(command.events) } : {}),
      ...(command.status !== undefined ? { status: command.status } : {}),
      ...(command.secret !== undefined ? { secretCiphertext: this.encrypt(command.secret) } : {}),
      lastUpdatedTimestamp: this.deps.clock.now(),
    });
    if (!updated) throw notFound(webhookId);
    return updated;
  }

  async delete(webhookId: string): Promise<void> {
    if (!(await this.deps.store.delete(webhookId, this.deps.clock.now()))) throw notFound(webhookId);
  }

  /**
   * Sends the event's example payload once (no retries, so the answer is the receiver's first), signed
   * as a delivery is; `event` defaults to the webhook's first subscription (MLflow's TestWebhook).
   */
  async test(webhookId: string, event: WebhookEvent | undefined): Promise<WebhookTestResult> {
    const webhook = await this.get(webhookId);
    const subject = event ?? (webhook.events[0] as WebhookEvent);
    const now = this.deps.clock.now();
    const deliveryId = this.deps.newId();
    const body = deliveryBody(subject.entity.toLowerCase(), subject.action.toLowerCase(), now, examplePayload(subject.entity, subject.action));
    const timestamp = String(Math.floor(now / 1000));
    const headers: Record<string, string> = {
      'Content-Type': 'application/json',
      [WEBHOOK_HEADERS.deliveryId]: deliveryId,
      [WEBHOOK_HEADERS.timestamp]: timestamp,
    };
    try {
      if (webhook.secretCiphertext) headers[WEBHOOK_HEADERS.signature] = sign(this.decrypt(webhook.secretCiphertext), deliveryId, timestamp, body);
      const answer = await this.deps.transport.post({ url: webhook.url, body, headers, timeoutMs: this.deps.timeoutMs });
      return { success: answer.status < 400, response_status: answer.status, response_body: answer.body };
    } catch (err) {
      // A refused address, a network error, a timeout, or a secret this server cannot read.
      if (err instanceof Error) return { success: false, error_message: `Failed to test webhook: ${err.message}` };
      throw err;
    }
  }

  async listDeliveries(webhookId: string, maxResults: number, pageToken: string | undefined): Promise<DeliveryPage> {
    const after = decodeDeliveryToken(pageToken);
    const webhook = await this.deps.store.getForDelivery(webhookId);
    if (!webhook) throw notFound(webhookId);
    const page = await this.deps.store.listDeliveries(webhookId, maxResults, after);
    const last = page.items[page.items.length - 1];
    if (!page.hasMore || !last) return { deliveries: page.items };
    return { deliveries: page.items, nextPageToken: Buffer.from(JSON.stringify({ t: last.createdAt, id: last.deliveryId })).toString('base64url') };
  }

  private encrypt(secret: string): string {
    if (!this.deps.cipher) {
      throw new ApiError(
        'NOT_IMPLEMENTED',
        'This server cannot store webhook secrets: it has no secret key. Start every Loupe server on this database with the same --secret-key (or LOUPE_SECRET_KEY), then set the secret again.',
      );
    }
    return this.deps.cipher.encrypt(secret);
  }

  private decrypt(ciphertext: string): string {
    if (!this.deps.cipher) throw new Error('the webhook has a secret but this server has no secret key (--secret-key / LOUPE_SECRET_KEY) to read it');
    return this.deps.cipher.decrypt(ciphertext);
  }
}
