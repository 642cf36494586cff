import { randomBytes } from 'node:crypto';
import type { PrismaClient } from '@bisa/db/generated/prisma/client.ts';
import { tokenHash } from '@bisa/db/secret-hash.ts';

export type Role = 'VIEWER' | 'OPERATOR' | 'REPORTER' | 'ADMIN' | 'INTEGRATOR';

/** Who is asking, and through what: a dashboard session or a developer's API key. */
export interface Viewer {
  userId: string;
  role: Role;
  /** The agency a REPORTER reports for. */
  agencyId: string | null;
  via: 'session' | 'api_key';
  /** A read-only API key may not run mutations. */
  canWrite: boolean;
}

export const SESSION_COOKIE = 'bisa_session';
export const SESSION_DAYS = 7;
const API_KEY_PREFIX = 'bisa_';

/** A new random token (sessions, API keys): 32 bytes, URL-safe. */
export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

/** A new API key: a recognisable prefix, so leaked keys can be found by secret scanners. */
export function newApiKey(): string {
  return `${API_KEY_PREFIX}${newToken()}`;
}

export function cookieValue(header: string | null, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key === name) return rest.join('=');
  }
  return undefined;
}

/**
 * The viewer of a request: an `Authorization: Bearer <API key>` header wins over the session
 * cookie. Unknown, expired, revoked or disabled credentials give null (anonymous), never an error:
 * reads stay available and mutations answer UNAUTHENTICATED. A request without credentials (the
 * wallboard, a public dashboard) gets its null at once rather than as a promise: that spares
 * every anonymous request a turn through Yoga's asynchronous hook chain.
 */
export function resolveViewer(
  prisma: PrismaClient,
  request: Request,
): Viewer | null | Promise<Viewer | null> {
  const apiKey = apiKeyOf(request);
  if (apiKey !== undefined) return viewerOfApiKey(prisma, apiKey);
  const token = cookieValue(request.headers.get('cookie'), SESSION_COOKIE);
  return token ? viewerOfSession(prisma, token) : null;
}

/** The API key a request presents (`Authorization: Bearer <key>`), if any. */
export function apiKeyOf(request: Request): string | undefined {
  const authorization = request.headers.get('authorization');
  return authorization?.startsWith('Bearer ') ? authorization.slice('Bearer '.length) : undefined;
}

async function viewerOfApiKey(prisma: PrismaClient, apiKey: string): Promise<Viewer | null> {
  const key = await prisma.apiKey.findUnique({
    where: { keyHash: tokenHash(apiKey.trim()) },
    include: { user: true },
  });
  if (!key || key.revokedAt || key.user.disabledAt) return null;
  await prisma.apiKey.update({ where: { id: key.id }, data: { lastUsedAt: new Date() } });
  return {
    userId: key.userId,
    role: key.user.role,
    agencyId: key.user.agencyId,
    via: 'api_key',
    canWrite: key.scope === 'write',
  };
}

async function viewerOfSession(prisma: PrismaClient, token: string): Promise<Viewer | null> {
  const session = await prisma.session.findUnique({
    where: { tokenHash: tokenHash(token) },
    include: { user: true },
  });
  if (!session || session.expiresAt <= new Date() || session.user.disabledAt) return null;
  return {
    userId: session.userId,
    role: session.user.role,
    agencyId: session.user.agencyId,
    via: 'session',
    canWrite: true,
  };
}

/**
 * The Set-Cookie value of a session. HttpOnly keeps it from scripts; SameSite=Lax keeps it off
 * cross-site POSTs (with JSON-only requests, the CSRF defence); Secure when served over HTTPS.
 */
export function sessionCookie(token: string, secure: boolean): string {
  return [
    `${SESSION_COOKIE}=${token}`,
    'Path=/',
    'HttpOnly',
    'SameSite=Lax',
    `Max-Age=${SESSION_DAYS * 86_400}`,
    ...(secure ? ['Secure'] : []),
  ].join('; ');
}

export function clearedSessionCookie(secure: boolean): string {
  return [
    `${SESSION_COOKIE}=`,
    'Path=/',
    'HttpOnly',
    'SameSite=Lax',
    'Max-Age=0',
    ...(secure ? ['Secure'] : []),
  ].join('; ');
}
