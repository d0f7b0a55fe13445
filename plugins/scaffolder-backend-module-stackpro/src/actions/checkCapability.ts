import { AuditorService } from '@backstage/backend-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { ConflictError, InputError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  capabilityCatalogFilter,
  capabilityTakenProblem,
} from '@internal/backstage-plugin-stacks-common';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { planOperations } from '../generate/contract';
import { capabilityNameProblem, capabilityNames } from '../generate/names';
import { auditedStep, initiatorOf } from './common';
import { findStack, findOwner } from './catalogChecks';

/**
 * `stackpro:capability:check`: the New capability template's first step. Says
 * in the task log, before anything is written, whether the name can be a
 * capability's (lowercase, not reserved, not in the catalog as seen by the
 * person who runs the template), whether the stack and the owning group
 * exist, and whether the endpoints can be generated; then gives the names
 * every later step uses.
 */
export function createCheckCapabilityAction(options: {
  catalog: CatalogService;
  auditor: AuditorService;
  /** The flags' project (the catalog's stackportal.io/unleash-project). */
  defaultProject: string;
}) {
  const { catalog, auditor } = options;
  return createTemplateAction({
    id: 'stackpro:capability:check',
    description:
      'Checks a new capability against the catalog (name free and valid, stack and owner exist, endpoints generatable) and gives the names of its entity, flags and dashboard',
    supportsDryRun: true,
    schema: {
      input: {
        name: z =>
          z
            .string()
            .describe('The capability name: lowercase letters and digits'),
        stack: z =>
          z.string().min(1).describe('The stack System (entity ref or name)'),
        owner: z =>
          z.string().min(1).describe('The owning group (entity ref or name)'),
        endpoints: z =>
          z
            .array(
              z.object({
                method: z.string(),
                path: z.string(),
                summary: z.string().optional(),
              }),
            )
            .describe('The first endpoints, besides GET /v1/health'),
      },
      output: {
        name: z => z.string(),
        componentName: z => z.string(),
        entityRef: z => z.string(),
        flagPrefix: z => z.string(),
        flags: z => z.array(z.string()),
        className: z => z.string(),
        dashboard: z => z.string(),
        stack: z => z.string(),
        owner: z => z.string(),
        project: z => z.string(),
      },
    },
    async handler(ctx) {
      const { userEntityRef, credentials } = await initiatorOf(ctx);
      const name = ctx.input.name.trim();
      await auditedStep(
        auditor,
        {
          eventId: 'template-capability-check',
          severityLevel: 'low',
          ctx,
          userEntityRef,
          meta: { capability: name },
        },
        async () => {
          const problem = capabilityNameProblem(name);
          if (problem) throw new InputError(`Name: ${problem}`);
          const names = capabilityNames(name);
          const { items } = await catalog.getEntities(
            {
              filter: capabilityCatalogFilter(name),
              fields: ['kind', 'metadata.name', 'metadata.namespace'],
            },
            { credentials },
          );
          if (items.length) {
            throw new ConflictError(
              `Name: ${capabilityTakenProblem(
                name,
                items.map(e => stringifyEntityRef(e)),
              )}`,
            );
          }
          const stack = await findStack(catalog, ctx.input.stack, credentials);
          const owner = await findOwner(catalog, ctx.input.owner, credentials);
          const operations = planOperations(ctx.input.endpoints);
          ctx.logger.info(
            `${
              names.componentName
            } is free; stack ${stack}, owner ${owner}; flags ${names.flags.join(
              ', ',
            )}; operations ${operations
              .map(o => `${o.method.toUpperCase()} ${o.path}`)
              .join(', ')} and GET /v1/health`,
          );
          ctx.output('name', name);
          ctx.output('componentName', names.componentName);
          ctx.output(
            'entityRef',
            stringifyEntityRef({
              kind: 'Component',
              namespace: 'default',
              name: names.componentName,
            }),
          );
          ctx.output('flagPrefix', names.flagPrefix);
          ctx.output('flags', names.flags);
          ctx.output('className', names.className);
          ctx.output('dashboard', names.dashboard);
          ctx.output('stack', stack);
          ctx.output('owner', owner);
          ctx.output('project', options.defaultProject);
          return { result: undefined, meta: { stack, owner } };
        },
      );
    },
  });
}
