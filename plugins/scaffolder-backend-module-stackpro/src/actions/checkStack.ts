import { AuditorService } from '@backstage/backend-plugin-api';
import { ConflictError, InputError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { auditedStep, initiatorOf } from './common';
import { findDomain, findOwner } from './catalogChecks';

/** `<word>-stack`, as the catalog's stacks are named. */
export const STACK_NAME = /^[a-z][a-z0-9]*(-[a-z0-9]+)*-stack$/;
const STACK_NAME_MAX = 40;

/**
 * `stackpro:stack:check`: the New stack template's first step. Refuses a
 * name that is not `<word>-stack` or that the catalog has, a domain or an
 * owning group that does not exist; gives the names later steps use.
 */
export function createCheckStackAction(options: {
  catalog: CatalogService;
  auditor: AuditorService;
}) {
  const { catalog } = options;
  return createTemplateAction({
    id: 'stackpro:stack:check',
    description:
      'Checks a new stack against the catalog (name free and <word>-stack, domain and owner exist) and gives its names',
    supportsDryRun: true,
    schema: {
      input: {
        name: z => z.string(),
        domain: z => z.string().min(1),
        owner: z => z.string().min(1),
      },
      output: {
        name: z => z.string(),
        entityRef: z => z.string(),
        domain: z => z.string(),
        owner: z => z.string(),
      },
    },
    async handler(ctx) {
      const { userEntityRef, credentials } = await initiatorOf(ctx);
      const name = ctx.input.name.trim();
      await auditedStep(
        options.auditor,
        {
          eventId: 'template-stack-check',
          severityLevel: 'low',
          ctx,
          userEntityRef,
          meta: { stack: name },
        },
        async () => {
          if (!STACK_NAME.test(name) || name.length > STACK_NAME_MAX) {
            throw new InputError(
              `Name: "${name}" is not a stack name: lowercase words joined by dashes, ending in -stack (e.g. search-stack), at most ${STACK_NAME_MAX} characters`,
            );
          }
          const existing = await catalog.getEntityByRef(
            `system:default/${name}`,
            { credentials },
          );
          if (existing) {
            throw new ConflictError(
              `Name: the stack ${name} exists already (${
                existing.metadata.title ?? name
              }); choose another name`,
            );
          }
          const domain = await findDomain(
            catalog,
            ctx.input.domain,
            credentials,
          );
          const owner = await findOwner(catalog, ctx.input.owner, credentials);
          ctx.logger.info(`${name} is free; domain ${domain}, owner ${owner}`);
          ctx.output('name', name);
          ctx.output('entityRef', `system:default/${name}`);
          ctx.output('domain', domain);
          ctx.output('owner', owner);
          return { result: undefined, meta: { domain, owner } };
        },
      );
    },
  });
}
