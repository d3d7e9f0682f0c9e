import type { Column } from 'drizzle-orm';
import {
  doublePrecision,
  index,
  integer,
  json,
  type PgColumnBuilderBase,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';
import { getTableConfig, type SQLiteTable } from 'drizzle-orm/sqlite-core';

/**
 * The PostgreSQL twin of a SQLite table, built from its definition: one schema to maintain, two
 * dialects. Only the column kinds this project uses are mapped; anything else fails loudly when
 * the module loads, so a new kind cannot slip into one dialect only.
 */
export function toPgTable(table: SQLiteTable) {
  const config = getTableConfig(table);
  const columns: Record<string, PgColumnBuilderBase> = {};
  const keyOf = new Map<string, string>();
  for (const [key, column] of Object.entries(table as unknown as Record<string, Column>)) {
    if (!config.columns.includes(column)) continue;
    keyOf.set(column.name, key);
    columns[key] = pgColumn(column, `${config.name}.${column.name}`);
  }
  return pgTable(config.name, columns, (t) => {
    const byName = (name: string) => {
      const column = (t as Record<string, never>)[keyOf.get(name) ?? ''];
      if (!column) throw new Error(`${config.name}: index column ${name} not found`);
      return column;
    };
    return config.indexes.map((ix) => {
      const [first, ...rest] = ix.config.columns.map((c) => byName((c as Column).name));
      if (!first) throw new Error(`index ${ix.config.name} has no columns`);
      return (ix.config.unique ? uniqueIndex : index)(ix.config.name).on(first, ...rest);
    });
  });
}

function pgColumn(column: Column, where: string): PgColumnBuilderBase {
  // biome-ignore lint/suspicious/noExplicitAny: drizzle's builders change type at each call.
  let built: any;
  const { name } = column;
  switch (column.columnType) {
    case 'SQLiteText':
      built = column.enumValues
        ? text(name, { enum: column.enumValues as [string, ...string[]] })
        : text(name);
      break;
    case 'SQLiteTextJson':
      // json, not jsonb: it keeps keys in their order, as SQLite's text does.
      built = json(name);
      break;
    case 'SQLiteInteger':
      built = (column as unknown as { autoIncrement: boolean }).autoIncrement
        ? integer(name).generatedAlwaysAsIdentity()
        : integer(name);
      break;
    case 'SQLiteTimestamp':
      built = timestamp(name, { withTimezone: true, mode: 'date', precision: 3 });
      break;
    case 'SQLiteReal':
      built = doublePrecision(name);
      break;
    default:
      throw new Error(`${where}: no PostgreSQL mapping for ${column.columnType}`);
  }
  if (column.primary) built = built.primaryKey();
  if (column.notNull && !column.primary) built = built.notNull();
  if (column.hasDefault && column.default !== undefined) built = built.default(column.default);
  if (column.isUnique) built = built.unique(column.uniqueName);
  return built;
}
