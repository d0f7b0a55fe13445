import {
  AuditorService,
  BackstageCredentials,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { NotAllowedError } from '@backstage/errors';
import {
  AuthorizeResult,
  BasicPermission,
} from '@backstage/plugin-permission-common';
import { JsonObject } from '@backstage/types';

/** What every action of this module needs of the scaffolder's context. */
export interface StepContext {
  getInitiatorCredentials(): Promise<BackstageCredentials>;
  task: { id: string };
  isDryRun?: boolean;
}

/** The person who ran the template; service callers are refused. */
export async function initiatorOf(ctx: StepContext): Promise<{
  credentials: BackstageCredentials;
  userEntityRef: string;
}> {
  const credentials = await ctx.getInitiatorCredentials();
  const principal = credentials.principal as {
    type?: string;
    userEntityRef?: string;
  };
  if (principal.type !== 'user' || !principal.userEntityRef) {
    throw new NotAllowedError(
      'This step runs for a signed-in person only: start the template from the Create page',
    );
  }
  return { credentials, userEntityRef: principal.userEntityRef };
}

/** Refuses, naming the permission, when the person could not do the same by hand. */
export async function requirePermission(
  permissions: PermissionsService,
  permission: BasicPermission,
  credentials: BackstageCredentials,
  what: string,
): Promise<void> {
  const [decision] = await permissions.authorize([{ permission }], {
    credentials,
  });
  if (decision.result !== AuthorizeResult.ALLOW) {
    throw new NotAllowedError(
      `You may not ${what} (${permission.name}), so the template may not do it for you`,
    );
  }
}

/**
 * Runs a step with its audit event: `initiated` before it (fail closed), then
 * `succeeded` with what it did or `failed` with the error. The event names the
 * person who ran the template, the task and whether it was a dry run.
 */
export async function auditedStep<T>(
  auditor: AuditorService,
  options: {
    eventId: string;
    severityLevel?: 'low' | 'medium' | 'high';
    ctx: StepContext;
    userEntityRef: string;
    meta: JsonObject;
  },
  fn: () => Promise<{ result: T; meta?: JsonObject }>,
): Promise<T> {
  const event = await auditor.createEvent({
    eventId: options.eventId,
    severityLevel: options.severityLevel ?? 'medium',
    meta: {
      ...options.meta,
      initiatedBy: options.userEntityRef,
      taskId: options.ctx.task.id,
      dryRun: Boolean(options.ctx.isDryRun),
    },
  });
  try {
    const { result, meta } = await fn();
    await event.success({ meta: meta ?? {} });
    return result;
  } catch (error) {
    await event.fail({ error: error as Error });
    throw error;
  }
}
