/**
 * Numbered SQL migrations (server/store/migrations/NNN_name.sql), applied in order at start.
 * Each migration runs in one write batch together with its schema_migrations row, so it is
 * applied entirely or not at all, and running migrate again (or from a second process at the
 * same moment) applies nothing twice.
 *
 * @example
 *   const { applied } = await migrate(db);   // [1] on a fresh database, [] afterwards
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Client } from './client.ts';

export const migrationsDir = fileURLToPath(new URL('./migrations/', import.meta.url));

export interface Migration {
  version: number;
  name: string;
  statements: string[];
}

/** Reads NNN_name.sql files; statements are separated by a semicolon at the end of a line. */
export function loadMigrations(dir = migrationsDir): Migration[] {
  const migrations = readdirSync(dir)
    .filter((f) => /^\d{3}_[a-z0-9_]+\.sql$/.test(f))
    .sort()
    .map((file) => ({
      version: Number(file.slice(0, 3)),
      name: file.replace(/\.sql$/, ''),
      statements: splitStatements(readFileSync(join(dir, file), 'utf8')),
    }));
  migrations.forEach((m, i) => {
    if (m.version !== i + 1) throw new Error(`migrations must be numbered 001, 002, ... without gaps; found ${m.name} at position ${i + 1}`);
  });
  return migrations;
}

function splitStatements(sql: string): string[] {
  const withoutComments = sql
    .split('\n')
    .filter((line) => !line.trim().startsWith('--'))
    .join('\n');
  return withoutComments
    .split(/;\s*$/m)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

export async function appliedVersions(db: Client): Promise<Set<number>> {
  const rs = await db.execute('SELECT version FROM schema_migrations');
  return new Set(rs.rows.map((r) => Number(r.version)));
}

/** Applies every migration not yet recorded; returns the versions it applied. */
export async function migrate(db: Client, migrations = loadMigrations()): Promise<{ applied: number[] }> {
  await db.execute(
    'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)',
  );
  const done = await appliedVersions(db);
  const applied: number[] = [];
  for (const m of migrations) {
    if (done.has(m.version)) continue;
    try {
      // The bookkeeping row goes first: if another process applied this migration meanwhile,
      // its primary key fails before any DDL runs, and the batch rolls back as a whole.
      await db.batch(
        [
          { sql: 'INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)', args: [m.version, m.name, new Date().toISOString()] },
          ...m.statements,
        ],
        'write',
      );
      applied.push(m.version);
    } catch (err) {
      if ((await appliedVersions(db)).has(m.version)) continue;
      throw new Error(`migration ${m.name} failed: ${(err as Error).message}`, { cause: err });
    }
  }
  return { applied };
}
