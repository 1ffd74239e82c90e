/**
 * Platform-operator credentials. A tenant key (pk_…) is scoped to one tenant, so creating a
 * tenant needs a credential outside every tenant: an operator key, `po_<prefix>_<secret>`
 * (same sizes as a tenant key), made by `npm run -s policy -- keys create --operator` and
 * stored as a sha256 hash in operator_keys, or the OPERATOR_KEY environment variable (for
 * deployments whose secrets come from the environment). Either authenticates as the actor
 * `{tenant: '', role: 'operator'}`, whose only permissions are `tenants` and `self`
 * (server/services/roles.ts): it never reads or changes a tenant's data.
 *
 * @example
 *   const { key, secret } = await createOperatorKey(db, { actor: 'cli', name: 'ops' });
 *   secret;   // "po_3f9a0c1b2d4e_q8Jx...": print it once
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { newId } from '../decisions/ids.ts';
import { ServiceError } from '../errors.ts';
import type { Client } from '../store/client.ts';
import { findOperatorKeyByPrefix, getOperatorKey, insertOperatorKeyStmt, listOperatorKeys as listRows, revokeOperatorKeyStmt } from '../store/operator-keys.ts';
import type { OperatorKey } from '../store/operator-keys.ts';
import { hashSecret, secretMatches } from './api-keys.ts';
import type { Actor } from './roles.ts';

const OPERATOR_KEY_PATTERN = /^po_([0-9a-f]{12})_([A-Za-z0-9_-]{43})$/;

/** The key id (audit actor) of the operator who authenticated with OPERATOR_KEY. */
export const ENV_OPERATOR_ID = 'operator-env';

/** Shortest OPERATOR_KEY accepted (config.ts refuses shorter ones at start). */
export const OPERATOR_KEY_MIN_LENGTH = 32;

export function parseOperatorKey(key: string): { prefix: string; secret: string } | null {
  const m = OPERATOR_KEY_PATTERN.exec(key);
  return m ? { prefix: m[1]!, secret: m[2]! } : null;
}

export async function createOperatorKey(db: Client, input: { actor: string; name?: string | null }): Promise<{ key: OperatorKey; secret: string }> {
  const id = newId();
  const prefix = randomBytes(6).toString('hex');
  const secret = randomBytes(32).toString('base64url');
  await db.batch([insertOperatorKeyStmt({ id, prefix, hash: hashSecret(secret), name: input.name ?? null, createdBy: input.actor })], 'write');
  return { key: (await getOperatorKey(db, id))!, secret: `po_${prefix}_${secret}` };
}

export async function listOperatorKeys(db: Client): Promise<OperatorKey[]> {
  return listRows(db);
}

/** Revokes an operator key: refused from the next request on (operator keys are not cached). */
export async function revokeOperatorKey(db: Client, input: { actor: string; id: string }): Promise<OperatorKey> {
  await db.batch([revokeOperatorKeyStmt(input.id, input.actor)], 'write');
  const key = await getOperatorKey(db, input.id);
  if (!key) throw new ServiceError('not_found', `operator key "${input.id}" not found`);
  return key;
}

/**
 * Checks presented credentials against the operator keys: OPERATOR_KEY (compared as sha256 in
 * constant time) and the operator_keys table. Operator requests are rare (creating a tenant),
 * so the table is read on each one and a revocation holds at once in every process.
 */
export class OperatorAuthenticator {
  private readonly envHash: Buffer | null;

  constructor(private readonly db: Client, envKey: string | undefined) {
    this.envHash = envKey ? createHash('sha256').update(envKey).digest() : null;
  }

  /** The operator actor, or null when the presented string is no operator credential. */
  async authenticate(presented: string): Promise<Actor | null> {
    if (this.envHash && timingSafeEqual(createHash('sha256').update(presented).digest(), this.envHash)) return { tenant: '', role: 'operator', keyId: ENV_OPERATOR_ID };
    const parsed = parseOperatorKey(presented);
    if (!parsed) return null;
    const row = await findOperatorKeyByPrefix(this.db, parsed.prefix);
    if (!row || row.revokedAt !== null || !secretMatches(parsed.secret, row.hash)) return null;
    return { tenant: '', role: 'operator', keyId: row.id };
  }
}
