import { IMPERSONATION_SESSION_CLAIM } from '@internal/backstage-plugin-admin-common';
import { Request } from 'express';

/** What an impersonation token says: who is seen, who is looking, which session. */
export interface ImpersonationClaims {
  /** The impersonated user (`sub`). */
  userRef: string;
  /** The admin (`act.sub`, RFC 8693). */
  actorRef: string;
  sessionId: string;
}

/** A token's header type and payload, read without verifying the signature. */
export interface UnverifiedToken {
  typ?: string;
  payload: Record<string, unknown>;
}

/** The bearer token of a request, if it carries one. */
export function bearerTokenOf(
  req: Pick<Request, 'headers'>,
): string | undefined {
  const header = req.headers.authorization;
  const match =
    typeof header === 'string' ? /^Bearer[ ]+(\S+)$/i.exec(header) : null;
  return match?.[1];
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
 * Decodes a JWT without verifying it. Only for decisions that can refuse,
 * never for ones that grant: the plugins verify the token afterwards.
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
 * The impersonation a token's payload claims: an `act` claim naming the
 * admin and the session id. Undefined for an ordinary token. A token with an
 * `act` claim but no session id is still reported (with an empty session id)
 * so that it is refused, never treated as ordinary.
 */
export function impersonationOf(
  payload: Record<string, unknown> | undefined,
): ImpersonationClaims | undefined {
  const act = payload?.act as { sub?: unknown } | undefined;
  if (!payload || act === undefined || act === null) return undefined;
  const sid = payload[IMPERSONATION_SESSION_CLAIM];
  return {
    userRef: typeof payload.sub === 'string' ? payload.sub : '',
    actorRef: typeof act.sub === 'string' ? act.sub : '',
    sessionId: typeof sid === 'string' ? sid : '',
  };
}
