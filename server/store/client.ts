/**
 * The one database client factory. The same code serves an embedded `file:` database and a
 * remote libSQL server (`libsql://`, sqld, Turso): only the URL differs.
 *
 * For a file database it opens a single connection: the embedded driver runs every statement
 * synchronously on the event loop anyway, so more connections buy no parallelism, and per-
 * connection settings (foreign_keys) would silently be missing on the pool's extra ones.
 * WAL lets other processes read while one writes; busy_timeout makes a second process wait
 * for the write lock instead of failing with SQLITE_BUSY.
 */
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { createClient } from '@libsql/client';
import type { Client } from '@libsql/client';

export type { Client } from '@libsql/client';

export interface DatabaseOptions {
  databaseUrl: string;
  databaseAuthToken?: string | undefined;
  busyTimeoutMs?: number;
}

/**
 * Opens the database, creating the folder of a file database if needed.
 *
 * @example
 *   const db = await openDatabase({ databaseUrl: 'file:data/policy.db' });
 *   await db.execute({ sql: 'SELECT 1', args: [] });
 */
export async function openDatabase(options: DatabaseOptions): Promise<Client> {
  const local = isFileUrl(options.databaseUrl);
  if (local) {
    const path = filePath(options.databaseUrl);
    if (path) mkdirSync(dirname(resolve(path)), { recursive: true });
  }
  const client = createClient({
    url: options.databaseUrl,
    ...(options.databaseAuthToken ? { authToken: options.databaseAuthToken } : {}),
    ...(local ? { concurrency: 1, timeout: options.busyTimeoutMs ?? 5000 } : {}),
  });
  if (local) {
    try {
      for (const sql of filePragmas(options.busyTimeoutMs)) await client.execute(sql);
    } catch (err) {
      client.close();
      throw err;
    }
  }
  return client;
}

/**
 * The settings of every connection to a file database (this one's, and the decision log's
 * write connection in server/store/batch-writer.ts). journal_mode is stored in the file; the
 * others are per connection. synchronous stays FULL: an acknowledged decision must survive a
 * power cut too; the decision log's group commit is what amortises the fsync.
 */
export function filePragmas(busyTimeoutMs = 5000): string[] {
  return ['PRAGMA journal_mode = WAL', `PRAGMA busy_timeout = ${Math.trunc(busyTimeoutMs)}`, 'PRAGMA foreign_keys = ON', 'PRAGMA synchronous = FULL'];
}

/** A database in a file on this machine (not in memory, not a server): another connection to it sees the same data. */
export function isLocalFile(url: string): boolean {
  return isFileUrl(url) && filePath(url) !== null;
}

export function isFileUrl(url: string): boolean {
  return url.startsWith('file:') || url === ':memory:';
}

/** The path of a `file:` URL (`file:data/x.db`, `file:///abs/x.db`), or null for in-memory. */
export function filePath(url: string): string | null {
  if (url === ':memory:' || url.includes(':memory:')) return null;
  const rest = url.slice('file:'.length).split('?')[0]!;
  return rest.startsWith('//') ? decodeURIComponent(rest.replace(/^\/\/[^/]*/, '')) : decodeURIComponent(rest);
}
