import { DiscoveryService } from '@backstage/backend-plugin-api';
import {
  createRemoteJWKSet,
  errors as joseErrors,
  JWTPayload,
  jwtVerify,
  JWTVerifyOptions,
} from 'jose';
import { decodeUnverified, TOKEN_TYPES } from './tokens';

/** A user token whose signature the auth backend's published keys confirm. */
export interface VerifiedUserToken {
  token: string;
  kind: 'user' | 'limited-user';
  payload: JWTPayload & { sub: string };
}

/** Verified tokens remembered, so a page's burst of requests verifies once. */
const VERIFIED_CACHE_MAX = 2_000;
/** Forced key reloads (a token signed by a key newer than our copy) per minute. */
const FORCED_RELOAD_LIMIT = 10;
const FORCED_RELOAD_WINDOW_MS = 60_000;

/**
 * Verifies Backstage user tokens (full and limited) against the auth
 * backend's JWKS, exactly as Backstage's own auth service does for every
 * plugin, so the request gate decides only on tokens whose signature holds.
 */
export class UserTokenVerifier {
  private jwks?: ReturnType<typeof createRemoteJWKSet>;
  private readonly verified = new Map<string, VerifiedUserToken>();
  private forcedReloads: number[] = [];

  private constructor(private readonly discovery: DiscoveryService) {}

  static create(options: { discovery: DiscoveryService }): UserTokenVerifier {
    return new UserTokenVerifier(options.discovery);
  }

  /**
   * The verified token, or undefined when it is not a user token or its
   * signature, type, audience or expiry does not hold.
   */
  async verify(token: string): Promise<VerifiedUserToken | undefined> {
    const cached = this.verified.get(token);
    if (cached) {
      if (Number(cached.payload.exp) * 1000 > Date.now()) return cached;
      this.verified.delete(token);
    }
    const options = verificationOptionsOf(token);
    if (!options) return undefined;
    try {
      const { payload } = await jwtVerify(token, this.getKey, options.verify);
      if (typeof payload.sub !== 'string' || !payload.sub) return undefined;
      const result: VerifiedUserToken = {
        token,
        kind: options.kind,
        payload: payload as VerifiedUserToken['payload'],
      };
      if (this.verified.size >= VERIFIED_CACHE_MAX) this.verified.clear();
      this.verified.set(token, result);
      return result;
    } catch {
      return undefined;
    }
  }

  private readonly getKey: Parameters<typeof jwtVerify>[1] = async (
    header,
    token,
  ) => {
    const jwks = await this.keySet();
    const coolingDown = jwks.coolingDown;
    try {
      return await jwks(header, token);
    } catch (error) {
      // a key newer than our copy: reload even within jose's cool-down, a few times a minute
      if (
        !(error instanceof joseErrors.JWKSNoMatchingKey) ||
        !coolingDown ||
        !this.mayForceReload()
      ) {
        throw error;
      }
      await jwks.reload();
      return jwks(header, token);
    }
  };

  private async keySet() {
    if (!this.jwks) {
      const base = await this.discovery.getBaseUrl('auth');
      this.jwks = createRemoteJWKSet(new URL(`${base}/.well-known/jwks.json`));
    }
    return this.jwks;
  }

  private mayForceReload(): boolean {
    const windowStart = Date.now() - FORCED_RELOAD_WINDOW_MS;
    this.forcedReloads = this.forcedReloads.filter(t => t > windowStart);
    if (this.forcedReloads.length >= FORCED_RELOAD_LIMIT) return false;
    this.forcedReloads.push(Date.now());
    return true;
  }
}

/** What Backstage's UserTokenHandler requires of each kind of user token. */
function verificationOptionsOf(
  token: string,
): { kind: VerifiedUserToken['kind']; verify: JWTVerifyOptions } | undefined {
  const decoded = decodeUnverified(token);
  if (!decoded) return undefined;
  const requiredClaims = ['iat', 'exp', 'sub'];
  if (decoded.typ === TOKEN_TYPES.user) {
    return { kind: 'user', verify: { requiredClaims, typ: decoded.typ } };
  }
  if (decoded.typ === TOKEN_TYPES.limitedUser) {
    return {
      kind: 'limited-user',
      verify: { requiredClaims, typ: decoded.typ },
    };
  }
  if (decoded.typ === undefined && decoded.payload.aud === 'backstage') {
    return { kind: 'user', verify: { audience: 'backstage' } };
  }
  return undefined;
}
