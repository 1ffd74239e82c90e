/**
 * Request rate limits, per process, as token buckets: a bucket holds up to `burst` tokens,
 * refills at `perSecond`, and each request takes one; an empty bucket answers 429
 * too_many_requests with Retry-After (the seconds until a token is back).
 *
 *   per API key      every /v1 request with a valid key (RATE_LIMIT_PER_SECOND / _BURST); a
 *                    batch decide is one request (its size is bounded by DECIDE_BATCH_MAX)
 *   per address      every request without a valid key: none, malformed, unknown or revoked
 *                    on /v1, and the public routes (/healthz, /metrics, /openapi.json, /docs,
 *                    the editor's files) (RATE_LIMIT_ANON_PER_SECOND / _BURST). An address over
 *                    its budget is answered 429 before its key is looked up in the database, so
 *                    a flood of made-up keys costs a parse and a cache miss each; a key this
 *                    process has already verified still gets through from that address.
 *
 * The address is the TCP peer (IPv6 by its /64, which one host usually holds whole): behind a
 * reverse proxy every client shares the proxy's address, so limit per client at the proxy.
 * Buckets live in LRU maps of at most 100,000 entries: memory stays bounded whatever the number
 * of keys and addresses, and a bucket dropped from the map is a full one (the safe direction
 * for the client, and for an attacker with that many addresses only an upstream limit helps).
 *
 * Hand-written rather than hono-rate-limiter: that is a fixed window (twice the limit at a
 * window's edge) keyed per request, and the address budget has to be checked before the key is
 * verified and charged only when it fails, which is one function here.
 *
 * @example
 *   const limits = createRateLimits(config, metrics);
 *   limits.key.take(actor.keyId);   // 0: go on; otherwise seconds to wait
 */
import type { Context } from 'hono';
import type { Config } from '../config.ts';
import { ServiceError } from '../errors.ts';
import type { Metrics } from '../metrics.ts';
import { Lru } from '../services/lru.ts';

const MAX_BUCKETS = 100_000;

export class TokenBuckets {
  private readonly buckets = new Lru<string, { tokens: number; at: number }>(MAX_BUCKETS);

  constructor(
    readonly perSecond: number,
    readonly burst: number,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Takes a token: 0 when the request may go on, otherwise the seconds until a token is back. */
  take(id: string): number {
    if (this.perSecond === 0) return 0;
    const t = this.now();
    const b = this.buckets.get(id);
    if (!b) {
      this.buckets.set(id, { tokens: this.burst - 1, at: t });
      return 0;
    }
    b.tokens = Math.min(this.burst, b.tokens + ((t - b.at) / 1000) * this.perSecond);
    b.at = t;
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return 0;
    }
    return (1 - b.tokens) / this.perSecond;
  }

  /** True when the next take() would refuse (nothing is taken). */
  empty(id: string): boolean {
    if (this.perSecond === 0) return false;
    const b = this.buckets.peek(id);
    return !!b && b.tokens + ((this.now() - b.at) / 1000) * this.perSecond < 1;
  }
}

export interface RateLimits {
  key: TokenBuckets;
  address: TokenBuckets;
  /** The 429 to throw for `wait` seconds, counted in policy_rate_limited_total. */
  refuse(scope: 'key' | 'address', wait: number): ServiceError;
}

export function createRateLimits(config: Config, metrics: Pick<Metrics, 'rateLimited'>, now?: () => number): RateLimits {
  return {
    key: new TokenBuckets(config.rateLimitPerSecond, config.rateLimitBurst, now),
    address: new TokenBuckets(config.rateLimitAnonPerSecond, config.rateLimitAnonBurst, now),
    refuse(scope, wait) {
      metrics.rateLimited.inc({ scope });
      const seconds = Math.max(1, Math.ceil(wait));
      const detail =
        scope === 'key'
          ? `this API key has sent more requests than it may (RATE_LIMIT_PER_SECOND); retry after ${seconds} s`
          : `too many requests without a valid API key from this address (RATE_LIMIT_ANON_PER_SECOND); retry after ${seconds} s`;
      return new ServiceError('too_many_requests', detail, [], { headers: { 'Retry-After': String(seconds) } });
    },
  };
}

/** The client's address for the per-address limit: the TCP peer, an IPv6 peer by its /64. */
export function clientAddress(c: Context): string {
  const raw: string | undefined = (c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined)?.incoming?.socket?.remoteAddress;
  if (!raw) return 'unknown';
  if (!raw.includes(':')) return raw;
  if (raw.startsWith('::ffff:')) return raw.slice(7);
  const [head = '', tail = ''] = raw.split('::');
  const left = head ? head.split(':') : [];
  const right = raw.includes('::') ? (tail ? tail.split(':') : []) : [];
  const groups = [...left, ...Array(Math.max(0, 8 - left.length - right.length)).fill('0'), ...right];
  return `${groups.slice(0, 4).join(':')}::/64`;
}

/**
 * The per-address limit for the routes outside /v1 (no key is asked there): throws the 429 when
 * the address is over its budget. Run for every request by the envelope (envelope.ts).
 */
export function limitPublicRoute(limits: RateLimits, c: Context): void {
  const path = c.req.path;
  if (path === '/v1' || path.startsWith('/v1/')) return;
  const wait = limits.address.take(clientAddress(c));
  if (wait > 0) throw limits.refuse('address', wait);
}
