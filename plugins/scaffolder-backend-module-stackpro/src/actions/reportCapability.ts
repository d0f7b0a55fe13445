import {
  AuditorService,
  AuthService,
  DiscoveryService,
} from '@backstage/backend-plugin-api';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { auditedStep, initiatorOf } from './common';
import { FlagList, FlagsApi, pendingCreations } from './flagsApi';

/**
 * `stackpro:capability:report`: the New capability template's last step,
 * run only when an earlier step failed (`if: ${{ failure() }}`). Says in the
 * task log what exists after the failure and what does not, so that nothing
 * is left half created without the log saying so: the flags as the flags
 * service has them now (created, or their creation waiting for an admin),
 * the first decision record, the repository or pull request, the catalog
 * entry. It creates nothing.
 */
export function createReportCapabilityAction(options: {
  auth: AuthService;
  discovery: DiscoveryService;
  auditor: AuditorService;
}) {
  return createTemplateAction({
    id: 'stackpro:capability:report',
    description:
      'After a failed step of New capability: says in the task log what exists (flags, first decision record, repository or pull request, catalog entry) and what does not; creates nothing',
    supportsDryRun: true,
    schema: {
      input: {
        name: z => z.string().describe('The capability name'),
        flags: z =>
          z
            .array(z.string())
            .optional()
            .describe(
              'Its flags (the check step gave them; absent if it failed)',
            ),
        project: z => z.string().optional(),
        decision: z =>
          z
            .string()
            .optional()
            .describe("The first decision record's location in the files"),
        repository: z =>
          z
            .string()
            .optional()
            .describe('The published repository or pull request'),
        entityRef: z =>
          z.string().optional().describe('The registered catalog entity'),
      },
      output: {
        flagsCreated: z => z.array(z.string()),
        flagsWaiting: z => z.array(z.string()),
      },
    },
    async handler(ctx) {
      const { credentials, userEntityRef } = await initiatorOf(ctx);
      const {
        name,
        flags = [],
        project,
        decision,
        repository,
        entityRef,
      } = ctx.input;
      await auditedStep(
        options.auditor,
        {
          eventId: 'template-capability-report',
          severityLevel: 'low',
          ctx,
          userEntityRef,
          meta: { name },
        },
        async () => {
          const exists: string[] = [];
          const missing: string[] = [];
          let created: string[] = [];
          let waiting: string[] = [];
          if (flags.length && project) {
            const { token } = await options.auth.getPluginRequestToken({
              onBehalfOf: credentials,
              targetPluginId: 'feature-flags',
            });
            const api = new FlagsApi(
              await options.discovery.getBaseUrl('feature-flags'),
              token,
            );
            const now = await flagsNow(api, flags, project);
            ({ created, waiting } = now);
            exists.push(...now.exists);
            missing.push(...now.missing);
          } else {
            missing.push('flags (the check did not pass)');
          }
          if (decision) {
            exists.push(
              repository
                ? `the first decision record ${decision}, in the repository`
                : `the first decision record ${decision}, written only into the task's files: it was not published and is gone with them`,
            );
          } else {
            missing.push('the first decision record');
          }
          if (repository) exists.push(`the repository ${repository}`);
          else missing.push('the repository (nothing was published)');
          if (entityRef) exists.push(`the catalog entry ${entityRef}`);
          else missing.push('the catalog entry');

          ctx.logger.warn(
            exists.length
              ? `The ${name} capability was not created completely. Exists now: ${exists.join(
                  '; ',
                )}. Not created: ${missing.join('; ')}. ${nextStep(repository)}`
              : `Nothing of the ${name} capability was created: no flags, no decision record, no repository, no catalog entry.`,
          );
          ctx.output('flagsCreated', created);
          ctx.output('flagsWaiting', waiting);
          return {
            result: undefined,
            meta: { exists, missing },
          };
        },
      );
    },
  });
}

function nextStep(repository: string | undefined) {
  if (repository)
    return 'The repository exists, so running the template again would stop at its publish step: the catalog reads it once its location is refreshed.';
  return 'Run the template again with the same values once the cause above is fixed: flags that exist are taken as done and creations that wait for an admin are not asked again.';
}

/** The capability's flags as the flags service has them now. */
async function flagsNow(api: FlagsApi, flags: string[], project: string) {
  const exists: string[] = [];
  const missing: string[] = [];
  try {
    const { body: list } = await api.call<FlagList>(
      'GET',
      `/flags?project=${encodeURIComponent(project)}&fresh=true`,
    );
    const pending = await pendingCreations(api, project);
    const names = new Set(list.flags.map(f => f.name));
    const created = flags.filter(f => names.has(f));
    const waiting = flags.filter(f => !names.has(f) && pending.has(f));
    if (created.length)
      exists.push(`flags ${created.join(', ')} in ${project}`);
    if (waiting.length)
      exists.push(
        `the creation of ${waiting
          .map(f => `${f} (change request ${pending.get(f)!.id})`)
          .join(', ')}, waiting for another admin`,
      );
    const none = flags.filter(f => !names.has(f) && !pending.has(f));
    if (none.length) missing.push(`flags ${none.join(', ')}`);
    return { created, waiting, exists, missing };
  } catch (error) {
    exists.push(
      `flags: could not be read (${
        (error as Error).message
      }); look for ${flags.join(', ')} on the Flags page`,
    );
    return { created: [], waiting: [], exists, missing };
  }
}
