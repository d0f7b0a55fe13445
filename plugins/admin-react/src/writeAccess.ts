import { createApiRef } from '@backstage/frontend-plugin-api';

/**
 * Whether the person may change things in the portal now, and if not, why.
 * The server decides (the request gate refuses writes while impersonating
 * and, for those who are not admins, during maintenance); this is what the
 * browser knows of it, so that write controls are disabled with the reason
 * instead of failing when used.
 */
export type WriteAccess =
  | { allowed: true }
  | {
      allowed: false;
      /** What pauses the writes. */
      cause: 'impersonation' | 'maintenance';
      /** The sentence to show next to a disabled control. */
      reason: string;
    };

/** Writes work. */
export const WRITES_ALLOWED: WriteAccess = { allowed: true };

/** The name of a user reference (`user:default/eli.martin` is `eli.martin`). */
function nameOf(entityRef: string): string {
  return entityRef.slice(entityRef.lastIndexOf('/') + 1) || entityRef;
}

/** Writes refused because an admin sees the portal as `targetRef` (read-only session). */
export function readOnlyWhileImpersonating(targetRef: string): WriteAccess {
  return {
    allowed: false,
    cause: 'impersonation',
    reason: `Read-only while you impersonate ${nameOf(targetRef)}`,
  };
}

/** Writes paused by maintenance mode, with the admins' message when there is one. */
export function pausedForMaintenance(message?: string): WriteAccess {
  const said = message?.trim();
  return {
    allowed: false,
    cause: 'maintenance',
    reason: `The portal is in maintenance: writes are paused${
      said ? ` (${said.replace(/[.\s]+$/, '')})` : ''
    }`,
  };
}

/**
 * What the browser knows of the person's write access. The admin plugin
 * provides it (`api:admin/write-access`); without it, writes are allowed and
 * the server still refuses what it refuses.
 */
export interface WriteAccessApi {
  /** The latest answer, without a request. */
  getWriteAccess(): WriteAccess;
  /**
   * Calls `listener` with every new answer until the returned function is
   * called; while someone listens, the answer is kept fresh.
   */
  watchWriteAccess(listener: (access: WriteAccess) => void): () => void;
}

export const writeAccessApiRef = createApiRef<WriteAccessApi>().with({
  id: 'plugin.admin.write-access',
  pluginId: 'admin',
});
