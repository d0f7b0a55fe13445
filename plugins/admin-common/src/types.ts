/** Limits of an impersonation request, checked by the server and shown by the dialog. */
export const IMPERSONATION_LIMITS = {
  reasonMinLength: 10,
  reasonMaxLength: 500,
  ticketMaxLength: 100,
  defaultMinutes: 15,
  maxMinutes: 60,
} as const;

/** The provider id of the impersonation sign-in: `/api/auth/impersonation/refresh`. */
export const IMPERSONATION_PROVIDER_ID = 'impersonation';

/** The header the frontend sends the session id in when it asks for the token. */
export const IMPERSONATION_SESSION_HEADER =
  'x-stack-portal-impersonation-session';

/** The token claim holding the session id (the `act` claim names the admin). */
export const IMPERSONATION_SESSION_CLAIM = 'sp_isid';

export type ImpersonationSessionStatus = 'active' | 'stopped' | 'expired';

/** One impersonation session, as the admin API returns it. */
export interface ImpersonationSession {
  id: string;
  /** The admin who impersonates (entity ref). */
  adminRef: string;
  /** The impersonated user (entity ref). */
  targetRef: string;
  reason: string;
  ticket?: string;
  startedAt: string;
  expiresAt: string;
  endedAt?: string;
  /** Who or what ended it: the admin's ref, or `expiry`. */
  endedBy?: string;
  status: ImpersonationSessionStatus;
  /** Whether writes are allowed (config `admin.impersonation.allowWrites` when it started). */
  allowWrites: boolean;
}

/** `POST /impersonation/sessions` */
export interface StartImpersonationRequest {
  /** User name or entity ref of the user to impersonate. */
  target: string;
  reason: string;
  ticket?: string;
  durationMinutes?: number;
}

/** Maintenance mode as everybody reads it. */
export interface MaintenanceState {
  enabled: boolean;
  message: string;
  updatedBy?: string;
  updatedAt?: string;
}

/** A user of the catalog with their groups and derived roles. */
export interface AdminUser {
  ref: string;
  name: string;
  displayName: string;
  email?: string;
  groups: string[];
  roles: string[];
  /** False for admins and yourself: they cannot be impersonated. */
  impersonable: boolean;
}

/** A group of the catalog with its members and the roles it gives. */
export interface AdminGroup {
  ref: string;
  name: string;
  displayName: string;
  memberCount: number;
  roles: string[];
}

/** True while a session has neither ended nor run past its expiry. */
export function isLive(
  session: ImpersonationSession,
  now = Date.now(),
): boolean {
  return session.status === 'active' && Date.parse(session.expiresAt) > now;
}
