import {
  BackstageUserIdentity,
  DiscoveryApi,
  IdentityApi,
  ProfileInfo,
} from '@backstage/core-plugin-api';
import { ResponseError } from '@backstage/errors';
import {
  IMPERSONATION_PROVIDER_ID,
  IMPERSONATION_SESSION_HEADER,
} from '@internal/backstage-plugin-admin-common';
import { reloadPage } from './navigation';

/** Where the browser remembers the impersonation session it runs in. */
export const IMPERSONATION_STORAGE_KEY = 'stack-portal:impersonation';

/** The session this browser impersonates in, as remembered. */
export interface RememberedImpersonation {
  sessionId: string;
  targetRef: string;
  expiresAt: string;
}

export function rememberedImpersonation(): RememberedImpersonation | undefined {
  try {
    const value = JSON.parse(
      window.localStorage.getItem(IMPERSONATION_STORAGE_KEY) ?? 'null',
    );
    if (
      value &&
      typeof value.sessionId === 'string' &&
      Date.parse(value.expiresAt) > Date.now()
    ) {
      return value;
    }
  } catch {
    // a damaged entry is no session
  }
  window.localStorage.removeItem(IMPERSONATION_STORAGE_KEY);
  return undefined;
}

export function rememberImpersonation(session: RememberedImpersonation) {
  window.localStorage.setItem(
    IMPERSONATION_STORAGE_KEY,
    JSON.stringify(session),
  );
}

export function forgetImpersonation() {
  window.localStorage.removeItem(IMPERSONATION_STORAGE_KEY);
}

/** An identity that may still offer the older, synchronous accessors. */
type SignedInIdentity = IdentityApi & {
  getUserId?(): string;
  getIdToken?(): Promise<string | undefined>;
  getProfile?(): ProfileInfo;
};

interface ImpersonatedSession {
  token: string;
  identity: BackstageUserIdentity;
  profile: ProfileInfo;
  renewAt: number;
}

function expiryOf(token: string): number {
  try {
    const payload = JSON.parse(
      window.atob(token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/')),
    );
    return payload.exp * 1000 - 60_000;
  } catch {
    return Date.now() + 5 * 60_000;
  }
}

/**
 * The signed-in person's identity, or, while an impersonation session this
 * browser started is live, the impersonated user's: a token from the
 * impersonation sign-in (`/api/auth/impersonation/refresh`), asked for with
 * the admin's own token. Starting and stopping reload the page, so nothing
 * cached under one identity is shown under the other.
 */
export class ImpersonationAwareIdentity implements IdentityApi {
  private impersonated?: ImpersonatedSession;

  private constructor(
    private readonly own: SignedInIdentity,
    private readonly discoveryApi: DiscoveryApi,
  ) {}

  /**
   * Wraps the signed-in identity; when this browser remembers a live session,
   * signs in to it first. A session the server no longer honours is forgotten
   * and the person is themselves again.
   */
  static async wrap(
    own: SignedInIdentity,
    discoveryApi: DiscoveryApi,
  ): Promise<IdentityApi> {
    const identity = new ImpersonationAwareIdentity(own, discoveryApi);
    await identity.session();
    return identity;
  }

  private async fetchImpersonation(
    sessionId: string,
  ): Promise<ImpersonatedSession> {
    const { token: ownToken } = await this.own.getCredentials();
    const baseUrl = await this.discoveryApi.getBaseUrl('auth');
    const response = await fetch(
      `${baseUrl}/${IMPERSONATION_PROVIDER_ID}/refresh`,
      {
        headers: {
          Authorization: `Bearer ${ownToken}`,
          [IMPERSONATION_SESSION_HEADER]: sessionId,
          'X-Requested-With': 'XMLHttpRequest',
        },
      },
    );
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    const body = await response.json();
    return {
      token: body.backstageIdentity.token,
      identity: body.backstageIdentity.identity,
      profile: body.profile ?? {},
      renewAt: expiryOf(body.backstageIdentity.token),
    };
  }

  /** The impersonated session, or undefined when not impersonating. */
  private async session(): Promise<ImpersonatedSession | undefined> {
    const remembered = rememberedImpersonation();
    if (!remembered) {
      this.impersonated = undefined;
      return undefined;
    }
    if (!this.impersonated || Date.now() >= this.impersonated.renewAt) {
      const wasImpersonating = Boolean(this.impersonated);
      try {
        this.impersonated = await this.fetchImpersonation(remembered.sessionId);
      } catch {
        // the session ended (stopped elsewhere, expired): be yourself again
        forgetImpersonation();
        this.impersonated = undefined;
        if (wasImpersonating) {
          reloadPage();
        }
        return undefined;
      }
    }
    return this.impersonated;
  }

  getUserId(): string {
    const ref = this.impersonated?.identity.userEntityRef;
    return ref ? ref.split('/').pop()! : this.own.getUserId?.() ?? '';
  }

  async getIdToken(): Promise<string | undefined> {
    return (
      (await this.session())?.token ?? (await this.own.getCredentials()).token
    );
  }

  getProfile(): ProfileInfo {
    return this.impersonated?.profile ?? this.own.getProfile?.() ?? {};
  }

  async getProfileInfo(): Promise<ProfileInfo> {
    return (await this.session())?.profile ?? this.own.getProfileInfo();
  }

  async getBackstageIdentity(): Promise<BackstageUserIdentity> {
    return (await this.session())?.identity ?? this.own.getBackstageIdentity();
  }

  async getCredentials(): Promise<{ token?: string }> {
    const impersonated = await this.session();
    return impersonated
      ? { token: impersonated.token }
      : this.own.getCredentials();
  }

  async signOut(): Promise<void> {
    forgetImpersonation();
    this.impersonated = undefined;
    await this.own.signOut();
  }
}
