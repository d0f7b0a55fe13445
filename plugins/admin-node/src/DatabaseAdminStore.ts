import {
  DatabaseService,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import { ConflictError, NotFoundError } from '@backstage/errors';
import {
  ImpersonationSession,
  ImpersonationSessionStatus,
  isLive,
  MaintenanceState,
} from '@internal/backstage-plugin-admin-common';
import { serialiseMigrations } from '@internal/backstage-plugin-resilience-node';

export { isLive };
import { Knex } from 'knex';
import { randomBytes } from 'node:crypto';

const migrationsDir = resolvePackagePath(
  '@internal/backstage-plugin-admin-node',
  'migrations',
);

const SESSIONS = 'admin_impersonation_sessions';
const TOKENS = 'admin_impersonation_tokens';
const SETTINGS = 'admin_settings';
const MAINTENANCE_KEY = 'maintenance';

interface SessionRow {
  id: string;
  admin_ref: string;
  target_ref: string;
  reason: string;
  ticket: string | null;
  started_at: number | string;
  expires_at: number | string;
  ended_at: number | string | null;
  ended_by: string | null;
  status: string;
  allow_writes: boolean | number;
}

function toSession(row: SessionRow): ImpersonationSession {
  return {
    id: row.id,
    adminRef: row.admin_ref,
    targetRef: row.target_ref,
    reason: row.reason,
    ticket: row.ticket ?? undefined,
    startedAt: new Date(Number(row.started_at)).toISOString(),
    expiresAt: new Date(Number(row.expires_at)).toISOString(),
    endedAt:
      row.ended_at === null
        ? undefined
        : new Date(Number(row.ended_at)).toISOString(),
    endedBy: row.ended_by ?? undefined,
    status: row.status as ImpersonationSessionStatus,
    allowWrites: Boolean(row.allow_writes),
  };
}

/**
 * The admin console's state: impersonation sessions and maintenance mode.
 * One instance per backend (see `adminStoreServiceRef`), shared by the admin
 * plugin, the impersonation sign-in, the request gate and the auditor.
 */
export class DatabaseAdminStore {
  private constructor(private readonly db: Knex) {}

  static async create(options: {
    database: DatabaseService;
  }): Promise<DatabaseAdminStore> {
    // root scoped, so its client does not come through the serialised
    // database service: replicas starting together on an empty database
    // migrate one after the other here too
    const db = serialiseMigrations(await options.database.getClient());
    if (!options.database.migrations?.skip) {
      await db.migrate.latest({ directory: migrationsDir });
    }
    return new DatabaseAdminStore(db);
  }

  /**
   * Starts a session. An admin has at most one live session at a time: a
   * second start while one is live is a conflict (stop it first).
   */
  async startSession(input: {
    adminRef: string;
    targetRef: string;
    reason: string;
    ticket?: string;
    durationMs: number;
    allowWrites: boolean;
    now?: number;
  }): Promise<ImpersonationSession> {
    const now = input.now ?? Date.now();
    const id = randomBytes(18).toString('base64url');
    await this.db.transaction(async tx => {
      const live = await tx<SessionRow>(SESSIONS)
        .where({ admin_ref: input.adminRef, status: 'active' })
        .andWhere('expires_at', '>', now)
        .first();
      if (live) {
        throw new ConflictError(
          `You are already impersonating ${live.target_ref} until ${new Date(
            Number(live.expires_at),
          ).toISOString()}; stop that session first`,
        );
      }
      await tx(SESSIONS).insert({
        id,
        admin_ref: input.adminRef,
        target_ref: input.targetRef,
        reason: input.reason,
        ticket: input.ticket ?? null,
        started_at: now,
        expires_at: now + input.durationMs,
        ended_at: null,
        ended_by: null,
        status: 'active',
        allow_writes: input.allowWrites,
      });
    });
    return this.getSession(id);
  }

  async getSession(id: string): Promise<ImpersonationSession> {
    const row = await this.db<SessionRow>(SESSIONS).where({ id }).first();
    if (!row) {
      throw new NotFoundError(`No impersonation session ${id}`);
    }
    return toSession(row);
  }

  async findSession(id: string): Promise<ImpersonationSession | undefined> {
    const row = await this.db<SessionRow>(SESSIONS).where({ id }).first();
    return row ? toSession(row) : undefined;
  }

  /**
   * Ends a live session. Returns the ended session, or undefined when it had
   * already ended (so only one caller records the end).
   */
  async endSession(
    id: string,
    end: {
      status: Exclude<ImpersonationSessionStatus, 'active'>;
      endedBy: string;
      now?: number;
    },
  ): Promise<ImpersonationSession | undefined> {
    const now = end.now ?? Date.now();
    const updated = await this.db(SESSIONS)
      .where({ id, status: 'active' })
      .update({
        status: end.status,
        ended_by: end.endedBy,
        // an expired session ended when its time ran out, not when noticed
        ended_at: end.status === 'expired' ? this.db.raw('expires_at') : now,
      });
    return updated ? this.getSession(id) : undefined;
  }

  /**
   * Records a token issued for a session, by its proof (see `tokenProofOf`),
   * before the token is handed out: a token is known the moment it exists.
   */
  async recordSessionToken(input: {
    sessionId: string;
    proof: string;
    expiresAt: number;
    now?: number;
  }): Promise<void> {
    await this.db(TOKENS)
      .insert({
        proof: input.proof,
        session_id: input.sessionId,
        issued_at: input.now ?? Date.now(),
        expires_at: input.expiresAt,
      })
      .onConflict('proof')
      .ignore();
  }

  /** The session a token was issued for, by the token's proof. */
  async findSessionByTokenProof(
    proof: string,
  ): Promise<ImpersonationSession | undefined> {
    const row = await this.db<SessionRow>(SESSIONS)
      .join(TOKENS, `${TOKENS}.session_id`, `${SESSIONS}.id`)
      .where(`${TOKENS}.proof`, proof)
      .select(`${SESSIONS}.*`)
      .first();
    return row ? toSession(row) : undefined;
  }

  /** Forgets tokens that expired before `before`; their sessions stay. */
  async purgeExpiredTokens(before: number): Promise<number> {
    return this.db(TOKENS).where('expires_at', '<', before).delete();
  }

  /** Marks every session past its expiry as expired and returns them. */
  async expireDue(now = Date.now()): Promise<ImpersonationSession[]> {
    const due = await this.db<SessionRow>(SESSIONS)
      .where({ status: 'active' })
      .andWhere('expires_at', '<=', now)
      .select('id');
    const expired: ImpersonationSession[] = [];
    for (const { id } of due) {
      const session = await this.endSession(id, {
        status: 'expired',
        endedBy: 'expiry',
        now,
      });
      if (session) expired.push(session);
    }
    return expired;
  }

  /** Live sessions first, then the most recent ended ones. */
  async listSessions(options: {
    limit: number;
    now?: number;
  }): Promise<ImpersonationSession[]> {
    const rows = await this.db<SessionRow>(SESSIONS)
      .orderBy('started_at', 'desc')
      .limit(options.limit);
    return rows.map(toSession);
  }

  async getMaintenance(): Promise<MaintenanceState> {
    const row = await this.db(SETTINGS).where({ key: MAINTENANCE_KEY }).first();
    if (!row) {
      return { enabled: false, message: '' };
    }
    const value = JSON.parse(row.value) as {
      enabled: boolean;
      message: string;
    };
    return {
      enabled: value.enabled,
      message: value.message,
      updatedBy: row.updated_by ?? undefined,
      updatedAt: new Date(Number(row.updated_at)).toISOString(),
    };
  }

  async setMaintenance(input: {
    enabled: boolean;
    message: string;
    updatedBy: string;
    now?: number;
  }): Promise<MaintenanceState> {
    const row = {
      key: MAINTENANCE_KEY,
      value: JSON.stringify({ enabled: input.enabled, message: input.message }),
      updated_by: input.updatedBy,
      updated_at: input.now ?? Date.now(),
    };
    await this.db(SETTINGS).insert(row).onConflict('key').merge();
    return this.getMaintenance();
  }
}
