import { z } from 'zod';
import { WebhookDeliveryJson, WebhookJson, WebhookTestResultJson } from '../entities/webhooks.js';

/** Reply schemas of the webhook RPCs (spec §6.3) and of Loupe's delivery log, as they go on the wire. */

/** CreateWebhook, GetWebhook and UpdateWebhook. */
export const GetWebhook = z.strictObject({ webhook: WebhookJson });
export const ListWebhooks = z.strictObject({ webhooks: z.array(WebhookJson).optional(), next_page_token: z.string().optional() });
export const TestWebhook = z.strictObject({ result: WebhookTestResultJson });
export const ListWebhookDeliveries = z.strictObject({ deliveries: z.array(WebhookDeliveryJson).optional(), next_page_token: z.string().optional() });
