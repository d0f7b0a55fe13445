import {
  AuditorService,
  AuthService,
  DiscoveryService,
} from '@backstage/backend-plugin-api';
import {
  InputError,
  NotAllowedError,
  NotFoundError,
  ServiceUnavailableError,
} from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { auditedStep, initiatorOf } from './common';
import {
  FlagList,
  FlagsApi,
  FlagsCapabilities,
  pendingCreations,
} from './flagsApi';

const FLAG_NAME = /^[A-Za-z0-9._~-]{1,100}$/;

/**
 * `stackpro:flags:create`: creates a capability's flags through the
 * portal's feature-flags service (the embedded provider or Unleash: the
 * same calls), off in every environment. Optionally turns the ENABLED flag
 * on in chosen environments; in a protected one that becomes a change
 * request another admin approves. Refused, before anything is created, for a
 * person the Flags page would refuse. A flag that exists is taken as done,
 * and each creation is a checkpoint, so a resumed task creates nothing twice.
 */
export function createFlagsAction(options: {
  auth: AuthService;
  discovery: DiscoveryService;
  auditor: AuditorService;
  defaultProject: string;
}) {
  return createTemplateAction({
    id: 'stackpro:flags:create',
    description:
      "Creates a capability's feature flags (off everywhere) through the portal's feature-flags service, as the person who runs the template; optional enablement per environment (protected ones through a change request)",
    supportsDryRun: true,
    schema: {
      input: {
        flags: z =>
          z
            .array(
              z
                .string()
                .regex(
                  FLAG_NAME,
                  'a flag name is letters, digits and . _ ~ - (at most 100)',
                ),
            )
            .min(1)
            .max(10),
        description: z => z.string().max(1000).default(''),
        project: z => z.string().min(1).max(100).optional(),
        enableFlag: z =>
          z
            .string()
            .optional()
            .describe('The flag turned on in enableIn (default: the first)'),
        enableIn: z =>
          z
            .array(z.string())
            .default([])
            .describe('Environments where enableFlag is turned on'),
        reason: z =>
          z
            .string()
            .max(500)
            .optional()
            .describe('Why, for change requests in protected environments'),
      },
      output: {
        project: z => z.string(),
        created: z => z.array(z.string()),
        existing: z => z.array(z.string()),
        enabled: z => z.array(z.string()),
        changeRequests: z => z.array(z.string()),
      },
    },
    async handler(ctx) {
      const { credentials, userEntityRef } = await initiatorOf(ctx);
      const project = ctx.input.project ?? options.defaultProject;
      const enableIn = [...new Set(ctx.input.enableIn ?? [])];
      const enableFlag = ctx.input.enableFlag ?? ctx.input.flags[0];
      if (!ctx.input.flags.includes(enableFlag)) {
        throw new InputError(
          `enableFlag ${enableFlag} is not one of the flags being created`,
        );
      }
      await auditedStep(
        options.auditor,
        {
          eventId: 'template-flags-create',
          ctx,
          userEntityRef,
          meta: { project, flags: ctx.input.flags, enableIn },
        },
        async () => {
          const { token } = await options.auth.getPluginRequestToken({
            onBehalfOf: credentials,
            targetPluginId: 'feature-flags',
          });
          const api = new FlagsApi(
            await options.discovery.getBaseUrl('feature-flags'),
            token,
          );

          // what the person may do, as the Flags page would decide it
          const { body: may } = await api.call<FlagsCapabilities>(
            'GET',
            '/capabilities',
          );
          if (!may.create) {
            throw new NotAllowedError(
              `You may not create feature flags (feature-flags.flag.create), so the template may not create ${ctx.input.flags.join(
                ', ',
              )} for you; ask an admin`,
            );
          }
          if (enableIn.length && !may.toggle) {
            throw new NotAllowedError(
              `You may not turn ${enableFlag} on in ${enableIn.join(
                ', ',
              )} (feature-flags.flag.toggle is for admins); leave "Turn on in" empty: the flags are created off and an admin turns them on`,
            );
          }
          const { body: list } = await api
            .call<FlagList>(
              'GET',
              `/flags?project=${encodeURIComponent(project)}&fresh=true`,
            )
            .catch(error => {
              if (!(error instanceof NotFoundError)) throw error;
              throw new InputError(
                `The flags provider has no project "${project}" (${error.message}): nothing was created. Create the project there, or set templates.flagsProject to a project it has (Unleash's open-source edition has only "default")`,
              );
            });
          if (list.degraded) {
            throw new ServiceUnavailableError(
              `The flags provider is not answering (${
                list.reason ?? 'degraded'
              }); nothing was created, run the template again later`,
            );
          }
          const environments = list.environments.map(e => e.name);
          const unknown = enableIn.filter(e => !environments.includes(e));
          if (unknown.length) {
            throw new InputError(
              `Turn on in: no environment ${unknown.join(
                ', ',
              )}; the environments are ${environments.join(', ')}`,
            );
          }
          const isProtected = (env: string) =>
            may.protectedEnvironments.includes(env) ||
            list.environments.some(e => e.name === env && e.protected);
          if (enableIn.some(isProtected) && !ctx.input.reason?.trim()) {
            throw new InputError(
              `Turning ${enableFlag} on in ${enableIn
                .filter(isProtected)
                .join(', ')} is a change request: give a reason`,
            );
          }
          const existingNow = new Set(list.flags.map(f => f.name));
          const waiting = await pendingCreations(api, project);
          const toCreate = ctx.input.flags.filter(
            f => !existingNow.has(f) && !waiting.has(f),
          );
          const existing = ctx.input.flags.filter(f => existingNow.has(f));
          const alreadyAsked = ctx.input.flags
            .filter(f => !existingNow.has(f) && waiting.has(f))
            .map(f => `${f} (change request ${waiting.get(f)!.id})`);

          if (ctx.isDryRun) {
            ctx.logger.info(
              `Dry run: would create ${
                toCreate.join(', ') || 'nothing'
              } in project ${project}, off in ${environments.join(', ')}${
                existing.length
                  ? `; ${existing.join(', ')} exist and would be taken as done`
                  : ''
              }${
                alreadyAsked.length
                  ? `; the creation of ${alreadyAsked.join(
                      ', ',
                    )} already waits for another admin and would not be asked again`
                  : ''
              }${
                enableIn.length
                  ? `; would turn ${enableFlag} on in ${enableIn
                      .map(e => (isProtected(e) ? `${e} (change request)` : e))
                      .join(', ')}`
                  : ''
              }`,
            );
            ctx.output('project', project);
            ctx.output('created', []);
            ctx.output('existing', existing);
            ctx.output('enabled', []);
            ctx.output('changeRequests', []);
            return { result: undefined, meta: { wouldCreate: toCreate } };
          }

          const created: string[] = [];
          const changeRequests: string[] = [];
          // where any environment is protected, creating a flag is a change request (reason required)
          const reason =
            ctx.input.reason?.trim() ||
            `The flags of a new capability, created by a template (task ${ctx.task.id})`;
          for (const flag of ctx.input.flags) {
            // a checkpoint of an earlier run of this task answers without calling fn
            const call = { ran: false };
            const { outcome, changeRequest } = await ctx.checkpoint({
              key: `flag-create-${project}-${flag}`,
              fn: async () => {
                call.ran = true;
                if (existingNow.has(flag))
                  return { outcome: 'existed', changeRequest: '' };
                const asked = waiting.get(flag);
                if (asked)
                  return { outcome: 'waiting', changeRequest: asked.id };
                const { status, body } = await api.call<{
                  changeRequest?: { id: string };
                }>('POST', '/flags', {
                  project,
                  name: flag,
                  description: ctx.input.description,
                  type: flag.endsWith('_ENABLED') ? 'release' : 'operational',
                  reason,
                });
                if (status === 409)
                  return { outcome: 'existed', changeRequest: '' };
                if (status === 202)
                  return {
                    outcome: 'requested',
                    changeRequest: body?.changeRequest?.id ?? '',
                  };
                return { outcome: 'created', changeRequest: '' };
              },
            });
            const messages: Record<string, string> = {
              created: `Created ${flag} in ${project}, off in ${environments.join(
                ', ',
              )}`,
              existed: `${flag} exists already in ${project}: taken as done`,
              requested: `${flag}: creation is change request ${changeRequest}, waiting for another admin (the flag reaches a protected environment); it is created off once approved`,
              waiting: `${flag}: its creation already waits for another admin (change request ${changeRequest}, asked by ${
                waiting.get(flag)?.requestedBy ?? 'an earlier run'
              }): not asked twice`,
            };
            const resumed: Record<string, string> = {
              created: `${flag}: created in ${project} by this task before it was interrupted: not created again`,
              requested: `${flag}: its creation was asked for by this task before it was interrupted (change request ${changeRequest}): not asked again`,
            };
            ctx.logger.info(
              (!call.ran && resumed[outcome]) ||
                (messages[outcome] ?? `${flag}: ${outcome}`),
            );
            if (outcome === 'created') created.push(flag);
            else if (outcome === 'requested' || outcome === 'waiting')
              changeRequests.push(changeRequest);
            else if (!existing.includes(flag)) existing.push(flag);
          }

          const enabled: string[] = [];
          const exists =
            created.includes(enableFlag) || existing.includes(enableFlag);
          if (enableIn.length && !exists) {
            ctx.logger.warn(
              `${enableFlag} is not created yet (its creation waits for approval): turn it on in ${enableIn.join(
                ', ',
              )} from the Flags page once approved`,
            );
          }
          for (const environment of exists ? enableIn : []) {
            const result = await ctx.checkpoint({
              key: `flag-enable-${project}-${enableFlag}-${environment}`,
              fn: async () => {
                const { status, body } = await api.call<{
                  outcome: string;
                  changeRequest?: { id: string };
                }>(
                  'PUT',
                  `/flags/${encodeURIComponent(project)}/${encodeURIComponent(
                    enableFlag,
                  )}/environments/${encodeURIComponent(environment)}`,
                  {
                    enabled: true,
                    ...(isProtected(environment)
                      ? { reason: ctx.input.reason }
                      : {}),
                  },
                );
                return {
                  status,
                  outcome: body?.outcome ?? 'applied',
                  changeRequest: body?.changeRequest?.id ?? '',
                };
              },
            });
            if (result.changeRequest) {
              changeRequests.push(result.changeRequest);
              ctx.logger.info(
                `${enableFlag} on in ${environment}: change request ${result.changeRequest} waits for another admin`,
              );
            } else {
              enabled.push(environment);
              ctx.logger.info(
                `${enableFlag} is on in ${environment} (${result.outcome})`,
              );
            }
          }
          ctx.output('project', project);
          ctx.output('created', created);
          ctx.output('existing', existing);
          ctx.output('enabled', enabled);
          ctx.output('changeRequests', changeRequests);
          return {
            result: undefined,
            meta: { created, existing, enabled, changeRequests },
          };
        },
      );
    },
  });
}
