// Every table, for drizzle-kit and for the typed client. One table per file, beside its module.
export { auditTable } from '../audit/audit.table.js';
export { apiKeysTable } from '../auth/api-keys.table.js';
export { jobsTable } from '../jobs/jobs.table.js';
export { keyRotationsTable } from '../keys/key-rotations.table.js';
export { reviewApprovalsTable } from '../review/review-approvals.table.js';
export { reviewSessionsTable } from '../review/review-sessions.table.js';
export { reviewsTable } from '../review/reviews.table.js';
export { subjectsTable } from '../subjects/subjects.table.js';
export { verificationsTable } from '../verifications/verifications.table.js';
export { webhookDeliveriesTable } from '../webhooks/webhook-deliveries.table.js';
export { webhookEndpointsTable } from '../webhooks/webhook-endpoints.table.js';
export { webhookEventsTable } from '../webhooks/webhook-events.table.js';
