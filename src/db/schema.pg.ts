// The PostgreSQL tables, derived from the SQLite definitions in schema.ts (see to-pg-table.ts).
// Named exports, one per table, so drizzle-kit finds them (drizzle.pg.config.ts).
import * as sqlite from './schema.js';
import { toPgTable } from './to-pg-table.js';

export const auditTable = toPgTable(sqlite.auditTable);
export const apiKeysTable = toPgTable(sqlite.apiKeysTable);
export const jobsTable = toPgTable(sqlite.jobsTable);
export const reviewApprovalsTable = toPgTable(sqlite.reviewApprovalsTable);
export const keyRotationsTable = toPgTable(sqlite.keyRotationsTable);
export const reviewSessionsTable = toPgTable(sqlite.reviewSessionsTable);
export const reviewsTable = toPgTable(sqlite.reviewsTable);
export const subjectsTable = toPgTable(sqlite.subjectsTable);
export const verificationsTable = toPgTable(sqlite.verificationsTable);
export const webhookDeliveriesTable = toPgTable(sqlite.webhookDeliveriesTable);
export const webhookEndpointsTable = toPgTable(sqlite.webhookEndpointsTable);
export const webhookEventsTable = toPgTable(sqlite.webhookEventsTable);
