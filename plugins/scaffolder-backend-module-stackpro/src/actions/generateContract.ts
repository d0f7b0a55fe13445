import { AuditorService } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import fs from 'node:fs/promises';
import path from 'node:path';
import { stringify } from 'yaml';
import { buildContract, planOperations } from '../generate/contract';
import { capabilityNameProblem, capabilityNames } from '../generate/names';
import { generateRoutes, generateSdk } from '../generate/sdk';
import { auditedStep, initiatorOf } from './common';

/** Where the generated files go, relative to the capability's folder. */
export const CONTRACT_FILE = 'contracts/v1.yaml';
export const SDK_FILE = 'src/generated/sdk.ts';
export const ROUTES_FILE = 'src/generated/routes.ts';

/**
 * `stackpro:capability:contract`: writes the capability's OpenAPI contract
 * from its first endpoints, then generates from that contract the typed SDK
 * (seed 002's degraded fallback) and the handler's route table. Writes only
 * into the task's workspace, in a dry run too, so the template editor shows
 * what would be created.
 */
export function createGenerateContractAction(options: {
  auditor: AuditorService;
}) {
  return createTemplateAction({
    id: 'stackpro:capability:contract',
    description:
      "Writes a capability's OpenAPI contract (contracts/v1.yaml) from its endpoints and generates the typed SDK and the handler's routes from it",
    supportsDryRun: true,
    schema: {
      input: {
        name: z => z.string(),
        title: z => z.string().trim().min(1).max(100),
        description: z => z.string().trim().max(1000).default(''),
        endpoints: z =>
          z.array(
            z.object({
              method: z.string(),
              path: z.string(),
              summary: z.string().optional(),
            }),
          ),
        targetPath: z =>
          z
            .string()
            .default('.')
            .describe('Folder of the capability in the workspace'),
      },
      output: {
        files: z => z.array(z.string()),
        operations: z => z.array(z.string()),
      },
    },
    async handler(ctx) {
      const { userEntityRef } = await initiatorOf(ctx);
      const problem = capabilityNameProblem(ctx.input.name);
      if (problem) throw new InputError(`Name: ${problem}`);
      const root = path.resolve(ctx.workspacePath, ctx.input.targetPath ?? '.');
      if (
        root !== ctx.workspacePath &&
        !root.startsWith(ctx.workspacePath + path.sep)
      ) {
        throw new InputError(
          `targetPath ${ctx.input.targetPath} leaves the workspace`,
        );
      }
      await auditedStep(
        options.auditor,
        {
          eventId: 'template-capability-contract',
          severityLevel: 'low',
          ctx,
          userEntityRef,
          meta: { capability: ctx.input.name },
        },
        async () => {
          const operations = planOperations(ctx.input.endpoints);
          const contract = buildContract({
            name: ctx.input.name,
            title: ctx.input.title,
            description: ctx.input.description ?? '',
            operations,
          });
          const files: Array<[string, string]> = [
            [
              CONTRACT_FILE,
              `# The ${
                ctx.input.name
              } capability's contract. Never break /v1: a breaking change is /v2.\n${stringify(
                contract,
                { lineWidth: 0 },
              )}`,
            ],
            [
              SDK_FILE,
              generateSdk(contract, capabilityNames(ctx.input.name).className),
            ],
            [ROUTES_FILE, generateRoutes(contract)],
          ];
          for (const [file, content] of files) {
            await fs.mkdir(path.dirname(path.join(root, file)), {
              recursive: true,
            });
            await fs.writeFile(path.join(root, file), content, 'utf8');
          }
          const ops = [
            'GET /v1/health',
            ...operations.map(
              o => `${o.method.toUpperCase()} ${o.path} (${o.operationId})`,
            ),
          ];
          ctx.logger.info(
            `Wrote ${files.map(f => f[0]).join(', ')}: ${ops.join(', ')}`,
          );
          ctx.output(
            'files',
            files.map(f => f[0]),
          );
          ctx.output('operations', ops);
          return { result: undefined, meta: { operations: ops } };
        },
      );
    },
  });
}
