import { IMPERSONATION_SESSION_CLAIM } from '@internal/backstage-plugin-admin-common';
import { parse as parseCookies } from 'cookie';
import { createHash } from 'node:crypto';
import { IncomingHttpHeaders } from 'node:http';

/** The cookie Backstage's `httpAuth` reads limited user tokens from. */
export const BACKSTAGE_AUTH_COOKIE = 'backstage-auth';

/** Backstage's token types (`typ` header), as `@backstage/plugin-auth-node` names them. */
export const TOKEN_TYPES = {
  user: 'vnd.backstage.user',
  limitedUser: 'vnd.backstage.limited-user',
  plugin: 'vnd.backstage.plugin',
} as const;

/** The `aud` of user tokens issued before tokens had a `typ`. */
const LEGACY_USER_AUDIENCE = 'backstage';

/** A token's header type and payload, read without verifying the signature. */
export interface UnverifiedToken {
  typ?: string;
  payload: Record<string, unknown>;
}

/**
 * The bearer token of a request. At least as lenient as Backstage's own
 * reading (`/^Bearer[ ]+(\S+)$/i`), so that no token Backstage accepts can
 * pass the gate unrecognised.
 */
export function bearerTokenOf(req: {
  headers: IncomingHttpHeaders;
}): string | undefined {
  const header = req.headers.authorization;
  const match =
    typeof header === 'string' ? /^\s*Bearer\s+(\S+)\s*$/i.exec(header) : null;
  return match?.[1];
}

/** The limited user token of Backstage's auth cookie, if the request has one. */
export function cookieTokenOf(req: {
  headers: IncomingHttpHeaders;
}): string | undefined {
  const header = req.headers.cookie;
  if (!header) return undefined;
  try {
    return parseCookies(header)[BACKSTAGE_AUTH_COOKIE] || undefined;
  } catch {
    return undefined;
  }
}

function decodePart(part: string): Record<string, unknown> | undefined {
  try {
    const value = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    return value && typeof value === 'object' && !Array.isArray(value)
      ? value
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Decodes a JWT without verifying it: for telling token kinds apart and for
 * keeping what an unverifiable token claimed, never for a decision.
 */
export function decodeUnverified(
  token: string | undefined,
): UnverifiedToken | undefined {
  const parts = token?.split('.');
  if (!parts || parts.length !== 3) return undefined;
  const header = decodePart(parts[0]);
  const payload = decodePart(parts[1]);
  if (!header || !payload) return undefined;
  return {
    typ: typeof header.typ === 'string' ? header.typ : undefined,
    payload,
  };
}

/**
 * Whether Backstage would take a token as a user's (full or limited): by its
 * `typ`, or, for tokens from before `typ`, by its audience.
 */
export function isUserTokenShape(token: UnverifiedToken): boolean {
  if (token.typ === TOKEN_TYPES.user || token.typ === TOKEN_TYPES.limitedUser) {
    return true;
  }
  return token.typ === undefined && token.payload.aud === LEGACY_USER_AUDIENCE;
}

/**
 * The user token a plugin token carries on behalf of a user (its `obo`
 * claim: a limited user token signed by the auth backend).
 */
export function onBehalfOfToken(token: UnverifiedToken): string | undefined {
  return token.typ === TOKEN_TYPES.plugin &&
    typeof token.payload.obo === 'string'
    ? token.payload.obo
    : undefined;
}

/**
 * The user identity proof of a user token: the `uip` claim of a full token,
 * which is the signature of every limited token made from it. It is the one
 * thing a full token, its limited form (what plugins forward on a user's
 * behalf and the permission policy sees) and its cookie share, so an
 * impersonation token is known by it in every form. Hashed for storage.
 */
export function tokenProofOf(token: string): string | undefined {
  const decoded = decodeUnverified(token);
  if (!decoded) return undefined;
  let proof: unknown;
  if (decoded.typ === TOKEN_TYPES.limitedUser) {
    proof = token.split('.')[2];
  } else {
    proof = decoded.payload.uip;
  }
  return typeof proof === 'string' && proof.length > 0
    ? createHash('sha256').update(proof).digest('hex')
    : undefined;
}

/** What an impersonation token's own claims say (RFC 8693 `act`, the session id). */
export interface ImpersonationClaims {
  /** The impersonated user (`sub`). */
  userRef: string;
  /** The admin (`act.sub`). */
  actorRef: string;
  /** The session (`sp_isid`). */
  sessionId: string;
}

/**
 * The impersonation a full token's payload claims, or undefined for an
 * ordinary token. A token with an `act` claim but no session id is still
 * reported (with an empty session id) so that it is refused, never treated
 * as ordinary.
 */
export function impersonationClaimsOf(
  payload: Record<string, unknown> | undefined,
): ImpersonationClaims | undefined {
  const act = payload?.act as { sub?: unknown } | undefined | null;
  if (!payload || act === undefined || act === null) return undefined;
  const sid = payload[IMPERSONATION_SESSION_CLAIM];
  return {
    userRef: typeof payload.sub === 'string' ? payload.sub : '',
    actorRef: typeof act.sub === 'string' ? act.sub : '',
    sessionId: typeof sid === 'string' ? sid : '',
  };
}
