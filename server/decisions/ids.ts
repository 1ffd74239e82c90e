/**
 * Ids for decisions, audit rows and keys: ULIDs (time-ordered, 26 characters). The ulid
 * package asks the OS for randomness one byte at a time (16 calls per id, ~35 µs, measured
 * as 11% of a decide); drawing from a pooled buffer of OS randomness gives the same ids at a
 * fraction of the cost. Not for secrets: API keys use crypto.randomBytes directly.
 */
import { randomFillSync } from 'node:crypto';
import { ulid } from 'ulid';

const pool = new Uint8Array(8192);
let position = pool.length;

function prng(): number {
  if (position >= pool.length) {
    randomFillSync(pool);
    position = 0;
  }
  return pool[position++]! / 256;
}

/** A new ULID, e.g. "01HQ3K8Z6V6X9W2T1YB5C4D7EF". */
export function newId(now = Date.now()): string {
  return ulid(now, prng);
}
