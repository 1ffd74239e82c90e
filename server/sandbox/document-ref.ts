/** A document as it travels to a sandbox worker: its JSON text, and a hash of it (the worker's cache key). */
import { createHash } from 'node:crypto';
import type { DocumentRef } from './tasks.ts';

/** A document for a task: its JSON text and the hash the worker caches its compilation by. */
export function documentRef(document: unknown): DocumentRef {
  const text = JSON.stringify(document);
  return { hash: createHash('sha256').update(text).digest('base64url'), text };
}
