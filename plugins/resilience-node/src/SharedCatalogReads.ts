import {
  AuthService,
  BackstageCredentials,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { catalogEntityReadPermission } from '@backstage/plugin-catalog-common/alpha';
import {
  AuthorizeResult,
  PolicyDecision,
} from '@backstage/plugin-permission-common';

/** How long a catalog read is shared: far below the catalog's own processing delay. */
export const SHARED_CATALOG_READ_TTL_MS = 5_000;

type Load<T> = (options: { credentials: BackstageCredentials }) => Promise<T>;

/**
 * Catalog reads shared between callers without changing what anyone sees.
 * A caller whom the permission policy lets read every entity
 * (`catalog.entity.read` ALLOW, unconditionally) sees exactly what the
 * backend itself sees: they share one read, made with the backend's own
 * credentials and kept for a few seconds (concurrent callers wait for the
 * same read). Any other caller (a conditional or denied decision) gets a
 * read of their own with their credentials, so the catalog's rules apply
 * to them as before.
 *
 * @public
 */
export class SharedCatalogReads {
  private readonly shared = new Map<
    string,
    { until: number; value: Promise<unknown> }
  >();

  private constructor(
    private readonly auth: AuthService,
    private readonly permissions: PermissionsService,
    private readonly ttlMs: number,
  ) {}

  static create(options: {
    auth: AuthService;
    permissions: PermissionsService;
    ttlMs?: number;
  }): SharedCatalogReads {
    return new SharedCatalogReads(
      options.auth,
      options.permissions,
      options.ttlMs ?? SHARED_CATALOG_READ_TTL_MS,
    );
  }

  /**
   * `load` made once for every caller who may read the whole catalog
   * (per `key`, for the time-to-live), or for this caller alone. `decision`:
   * the caller's `catalog.entity.read` decision when the caller already
   * asked for it (in one request with its own permissions), else it is
   * asked here.
   */
  async read<T>(
    key: string,
    credentials: BackstageCredentials,
    load: Load<T>,
    decision?: PolicyDecision,
  ): Promise<T> {
    const catalogRead =
      decision ??
      (
        await this.permissions.authorizeConditional(
          [{ permission: catalogEntityReadPermission }],
          { credentials },
        )
      )[0];
    return this.readAs(key, credentials, load, catalogRead);
  }

  private async readAs<T>(
    key: string,
    credentials: BackstageCredentials,
    load: Load<T>,
    decision: PolicyDecision,
  ): Promise<T> {
    if (decision.result !== AuthorizeResult.ALLOW) {
      return load({ credentials });
    }
    const now = Date.now();
    const cached = this.shared.get(key);
    if (cached && cached.until > now) return cached.value as Promise<T>;
    const value = this.auth
      .getOwnServiceCredentials()
      .then(own => load({ credentials: own }));
    this.shared.set(key, { until: now + this.ttlMs, value });
    // a failed read is not shared: the next caller tries again
    value.catch(() => {
      if (this.shared.get(key)?.value === value) this.shared.delete(key);
    });
    return value;
  }
}
