import { createHash, randomBytes, scrypt as scryptCallback, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';

const scrypt = promisify(scryptCallback) as (
  password: string,
  salt: Buffer,
  keylen: number,
) => Promise<Buffer>;
const KEY_LENGTH = 32;

/**
 * Hashes a secret (a device secret, a password) for storage as "scrypt$<salt hex>$<hash hex>";
 * the secret itself is never stored.
 */
export async function hashSecret(secret: string): Promise<string> {
  const salt = randomBytes(16);
  const hash = await scrypt(secret, salt, KEY_LENGTH);
  return `scrypt$${salt.toString('hex')}$${hash.toString('hex')}`;
}

/** Checks a presented secret against a stored hash in constant time. */
export async function verifySecret(secret: string, stored: string): Promise<boolean> {
  const [scheme, saltHex, hashHex] = stored.split('$');
  if (scheme !== 'scrypt' || !saltHex || !hashHex) return false;
  const expected = Buffer.from(hashHex, 'hex');
  const actual = await scrypt(secret, Buffer.from(saltHex, 'hex'), expected.length);
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/**
 * A new device secret or generated password: 18 random bytes, URL-safe (24 characters), shown
 * once and stored hashed.
 */
export function newSecret(): string {
  return randomBytes(18).toString('base64url');
}

/**
 * How session tokens and API keys are stored: sha256 hex of the whole token. They are long and
 * random, so a fast hash suffices (and lets a request's credential be found by its hash).
 */
export function tokenHash(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
