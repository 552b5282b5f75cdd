/**
 * `@loupe/protocol`: Loupe's wire contract with MLflow clients. Entity types, request field codecs,
 * error codes with their HTTP statuses, and the search-filter grammar. Runs in Node and browsers.
 * Code that must load fast (the SDK) takes the plain constants and error helpers from the entries
 * `@loupe/protocol/attributes` and `@loupe/protocol/errors`, which build no schemas, and the UI its
 * webhook enums from `@loupe/protocol/webhooks` and its monitor constants from `@loupe/protocol/monitors`; the model price catalog is the entry
 * `@loupe/protocol/pricing`.
 */
export * from './errors/index.js';
export * from './attributes/mlflow-keys.js';
export * from './entities/tracking.js';
export * from './entities/traces.js';
export * from './entities/assessments.js';
export * from './entities/chat.js';
export * from './entities/registry.js';
export * from './entities/webhooks.js';
export * from './entities/review.js';
export * from './entities/datasets.js';
export * from './entities/gateway.js';
export * from './entities/monitors.js';
export * from './schemas/fields.js';
export * from './schemas/well-known-types.js';
export * from './schemas/tracking-fields.js';
export * from './schemas/run-fields.js';
export * from './schemas/trace-fields.js';
export * from './schemas/trace-metric-views.js';
export * from './schemas/registry-fields.js';
export * as TrackingRequests from './schemas/tracking-requests.js';
export * as TrackingResponses from './schemas/tracking-responses.js';
export type { RequestOf } from './schemas/tracking-requests.js';
export * as ArtifactRequests from './schemas/artifact-requests.js';
export * as ArtifactResponses from './schemas/artifact-responses.js';
export * as LoggedModelRequests from './schemas/logged-model-requests.js';
export * as LoggedModelResponses from './schemas/logged-model-responses.js';
export * as TraceRequests from './schemas/trace-requests.js';
export * as TraceResponses from './schemas/trace-responses.js';
export * as LegacyTraceRequests from './schemas/legacy-trace-requests.js';
export * as LegacyTraceResponses from './schemas/legacy-trace-responses.js';
export * as SpanRequests from './schemas/span-requests.js';
export * as SpanResponses from './schemas/span-responses.js';
export * as AssessmentRequests from './schemas/assessment-requests.js';
export * as AssessmentResponses from './schemas/assessment-responses.js';
export * as RegistryRequests from './schemas/registry-requests.js';
export * as RegistryResponses from './schemas/registry-responses.js';
export { canonicalStage } from './schemas/registry-requests.js';
export * as DatasetRequests from './schemas/dataset-requests.js';
export * as DatasetResponses from './schemas/dataset-responses.js';
export { parseDatasetRecords, type DatasetRecordInput } from './schemas/dataset-records.js';
export * as WebhookRequests from './schemas/webhook-requests.js';
export * as WebhookResponses from './schemas/webhook-responses.js';
export { webhookNameProblem, WEBHOOK_LIMITS } from './schemas/webhook-requests.js';
export * as GatewayRequests from './schemas/gateway-requests.js';
export * as GatewayResponses from './schemas/gateway-responses.js';
export { GATEWAY_LIMITS, type GatewayEndpointModelConfigInput } from './schemas/gateway-requests.js';
export * as AuthRequests from './schemas/auth-requests.js';
export * as AuthResponses from './schemas/auth-responses.js';
export { PERMISSION_NAMES, type PermissionName } from './schemas/auth-requests.js';
export * as ReviewRequests from './schemas/review-requests.js';
export * as ReviewResponses from './schemas/review-responses.js';
export { LABEL_SCHEMA_LIMITS, REVIEW_QUEUE_LIMITS } from './schemas/review-requests.js';
export * as ScorerRequests from './schemas/scorer-requests.js';
export * as ScorerResponses from './schemas/scorer-responses.js';
export { scorerKey } from './schemas/scorer-requests.js';
export type { Scorer, OnlineScoringConfig, ScorerOnlineStatus } from './schemas/scorer-responses.js';
export * as MonitorRequests from './schemas/monitor-requests.js';
export * as MonitorResponses from './schemas/monitor-responses.js';
export { assessmentNameProblem } from './schemas/monitor-requests.js';
export * from './search/index.js';
export { completeTokenUsage, type TokenUsage } from './pricing/token-usage.js';
