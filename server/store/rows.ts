/**
 * Small helpers shared by the repositories: reading typed values out of libSQL rows and
 * encoding times. Times are stored as full ISO-8601 UTC with milliseconds so that text order
 * is time order (`...:00Z` and `...:00.500Z` would not sort correctly side by side).
 */
import type { Row, Value } from '@libsql/client';

export type { InStatement, Row } from '@libsql/client';

/** ISO-8601 UTC with milliseconds, the stored form of every time. */
export function iso(at: Date | string | number = new Date()): string {
  return (at instanceof Date ? at : new Date(at)).toISOString();
}

/** Stored time (or null) for an optional ISO instant. */
export function isoOrNull(at: string | null | undefined): string | null {
  return at == null ? null : iso(at);
}

export function str(row: Row, column: string): string {
  const v = row[column];
  if (typeof v !== 'string') throw new Error(`column ${column}: expected text, got ${v === null ? 'null' : typeof v}`);
  return v;
}

export function strOrNull(row: Row, column: string): string | null {
  const v = row[column];
  return v === null || v === undefined ? null : String(v);
}

export function num(row: Row, column: string): number {
  const v: Value | undefined = row[column];
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  throw new Error(`column ${column}: expected a number, got ${v === null ? 'null' : typeof v}`);
}

export function json<T = unknown>(row: Row, column: string): T {
  return JSON.parse(str(row, column)) as T;
}

export function jsonOrNull<T = unknown>(row: Row, column: string): T | null {
  const v = strOrNull(row, column);
  return v === null ? null : (JSON.parse(v) as T);
}
