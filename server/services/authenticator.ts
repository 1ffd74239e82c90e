/**
 * Turns a presented API key into the actor (tenant, role, key id), or null. Credentials are
 * cached per process by prefix, so a decide costs no key query; a revocation made anywhere
 * reaches every process through the change feed (the tenant's cached keys are dropped), and
 * each entry is re-read after `maxAgeMs` as a second line of defence.
 *
 * `last_used_at` is collected in memory and written in one background batch every
 * `touchFlushMs`, so authentication never waits for a write.
 */
import type { Change } from '../store/change-feed.ts';
import type { Client } from '../store/client.ts';
import { findKeyByPrefix, touchKeyStmts } from '../store/api-keys.ts';
import type { KeyCredential } from '../store/api-keys.ts';
import { iso } from '../store/rows.ts';
import { parseKey, secretMatches } from './api-keys.ts';
import { OperatorAuthenticator } from './operator-keys.ts';
import { Lru } from './lru.ts';
import type { Actor } from './roles.ts';

export interface AuthenticatorOptions {
  touchFlushMs: number;
  /** OPERATOR_KEY: a platform-operator credential from the environment (operator-keys.ts). */
  operatorKey?: string | undefined;
  maxAgeMs?: number;
  maxKeys?: number;
  onError?: (err: unknown) => void;
}

interface Cached {
  credential: KeyCredential;
  /** The stored hash's bytes, decoded once rather than on every request. */
  hash: Buffer;
  loadedAt: number;
}

export class Authenticator {
  private readonly keys: Lru<string, Cached>;
  private readonly used = new Map<string, { tenant: string; at: string }>();
  private readonly timer: ReturnType<typeof setInterval>;
  private generation = 0;
  /** The current minute and its ISO form, for `last_used_at` (formatted once a minute, not per request). */
  private minute = -1;
  private minuteIso = '';

  private readonly operators: OperatorAuthenticator;

  constructor(private readonly db: Client, private readonly options: AuthenticatorOptions) {
    this.keys = new Lru(options.maxKeys ?? 100_000);
    this.operators = new OperatorAuthenticator(db, options.operatorKey);
    this.timer = setInterval(() => void this.flushTouches(), options.touchFlushMs);
    this.timer.unref();
  }

  /** The actor of a valid, unrevoked key; null for anything else (one answer for all failures). */
  async authenticate(presented: string, options: { cachedOnly?: boolean } = {}): Promise<Actor | null> {
    const parsed = parseKey(presented);
    // Not a tenant key: perhaps a platform operator's (po_… or OPERATOR_KEY).
    if (!parsed) return options.cachedOnly ? null : this.operators.authenticate(presented);
    // cachedOnly (a client over its failed-key budget, api/rate-limit.ts): no query for a key not verified lately.
    const cached = options.cachedOnly ? this.fresh(parsed.prefix) : await this.credential(parsed.prefix);
    const credential = cached?.credential;
    if (!cached || !credential || credential.revokedAt !== null || !secretMatches(parsed.secret, cached.hash)) return null;
    // Minute precision is plenty for "last used" and keeps the background batch small.
    const minute = Math.floor(Date.now() / 60_000);
    if (minute !== this.minute) this.minuteIso = iso((this.minute = minute) * 60_000);
    this.used.set(credential.id, { tenant: credential.tenant, at: this.minuteIso });
    return { tenant: credential.tenant, role: credential.role, keyId: credential.id };
  }

  /** Drops the tenant's cached keys (after a revocation here or, via the feed, elsewhere). */
  invalidateTenant(tenant: string): void {
    this.generation++;
    this.keys.deleteWhere((_, v) => v.credential.tenant === tenant);
  }

  onChange(change: Change): void {
    if (change.kind === 'key') this.invalidateTenant(change.tenant);
  }

  /** Writes the collected last-used times; called on a timer and at shutdown. */
  async flushTouches(): Promise<void> {
    if (!this.used.size) return;
    const batch = new Map(this.used);
    this.used.clear();
    try {
      await this.db.batch(touchKeyStmts(batch), 'write');
    } catch (err) {
      this.options.onError?.(err);
    }
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.flushTouches();
  }

  private fresh(prefix: string): Cached | null {
    const hit = this.keys.get(prefix);
    return hit && Date.now() - hit.loadedAt < (this.options.maxAgeMs ?? 60_000) ? hit : null;
  }

  private async credential(prefix: string): Promise<Cached | null> {
    const hit = this.fresh(prefix);
    if (hit) return hit;
    const generation = this.generation;
    const credential = await findKeyByPrefix(this.db, prefix);
    if (!credential) return null;
    const entry = { credential, hash: Buffer.from(credential.hash, 'hex'), loadedAt: Date.now() };
    // Unknown prefixes are not cached: made-up keys must not fill memory.
    if (generation === this.generation) this.keys.set(prefix, entry);
    return entry;
  }
}
