// Every table, for drizzle-kit and for the typed client. One table per file, beside its module.
export { apiKeysTable } from '../auth/api-keys.table.js';
export { jobsTable } from '../jobs/jobs.table.js';
export { verificationsTable } from '../verifications/verifications.table.js';
