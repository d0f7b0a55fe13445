import {
  BackstageUserIdentity,
  DiscoveryApi,
  IdentityApi,
  ProfileInfo,
} from '@backstage/core-plugin-api';
import { ResponseError } from '@backstage/errors';

/** Where the development sign-in remembers who signed in, per browser. */
export const DEV_USER_STORAGE_KEY = 'stack-portal:dev-user';
export const DEV_USER_HEADER = 'x-stack-portal-user';

interface Session {
  profile: ProfileInfo;
  backstageIdentity: { token: string; identity: BackstageUserIdentity };
  expiresAt: number;
}

function expiryOf(token: string): number {
  try {
    const payload = JSON.parse(
      window.atob(token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/')),
    );
    // renew a minute before the token runs out
    return payload.exp * 1000 - 60_000;
  } catch {
    return Date.now() + 5 * 60_000;
  }
}

/**
 * The identity of a person signed in through the development sign-in: a real
 * Backstage token from `/api/auth/development/refresh`, renewed before it
 * expires. Signing out forgets the chosen user so the picker shows again.
 */
export class DevSignInIdentity implements IdentityApi {
  private session?: Session;
  private pending?: Promise<Session>;

  private constructor(
    private readonly userName: string,
    private readonly discoveryApi: DiscoveryApi,
  ) {}

  static async signIn(options: {
    userName: string;
    discoveryApi: DiscoveryApi;
  }): Promise<DevSignInIdentity> {
    const identity = new DevSignInIdentity(
      options.userName,
      options.discoveryApi,
    );
    await identity.getSession();
    window.localStorage.setItem(DEV_USER_STORAGE_KEY, options.userName);
    return identity;
  }

  private async fetchSession(): Promise<Session> {
    const baseUrl = await this.discoveryApi.getBaseUrl('auth');
    const response = await fetch(`${baseUrl}/development/refresh`, {
      headers: {
        [DEV_USER_HEADER]: this.userName,
        'X-Requested-With': 'XMLHttpRequest',
      },
      credentials: 'include',
    });
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    const body = await response.json();
    return {
      profile: body.profile ?? {},
      backstageIdentity: body.backstageIdentity,
      expiresAt: expiryOf(body.backstageIdentity.token),
    };
  }

  private async getSession(): Promise<Session> {
    if (this.session && Date.now() < this.session.expiresAt) {
      return this.session;
    }
    if (!this.pending) {
      this.pending = this.fetchSession().then(
        session => {
          this.session = session;
          this.pending = undefined;
          return session;
        },
        error => {
          this.pending = undefined;
          throw error;
        },
      );
    }
    return this.pending;
  }

  private current(): Session {
    if (!this.session) {
      throw new Error('No session yet; reload the page to sign in again');
    }
    return this.session;
  }

  getUserId(): string {
    return this.userName;
  }

  async getIdToken(): Promise<string | undefined> {
    return (await this.getSession()).backstageIdentity.token;
  }

  getProfile(): ProfileInfo {
    return this.current().profile;
  }

  async getProfileInfo(): Promise<ProfileInfo> {
    return (await this.getSession()).profile;
  }

  async getBackstageIdentity(): Promise<BackstageUserIdentity> {
    return (await this.getSession()).backstageIdentity.identity;
  }

  async getCredentials(): Promise<{ token?: string }> {
    return { token: (await this.getSession()).backstageIdentity.token };
  }

  async signOut(): Promise<void> {
    window.localStorage.removeItem(DEV_USER_STORAGE_KEY);
    this.session = undefined;
  }
}
