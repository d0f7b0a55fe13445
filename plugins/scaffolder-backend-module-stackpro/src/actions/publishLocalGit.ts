import {
  AuditorService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { ConflictError, InputError } from '@backstage/errors';
import { catalogLocationCreatePermission } from '@backstage/plugin-catalog-common/alpha';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { auditedStep, initiatorOf, requirePermission } from './common';
import { repositoriesRoot, repositoryFolder } from './localRepositories';

const run = promisify(execFile);
/** A git command that takes longer than this has hung. */
const GIT_TIMEOUT_MS = 30_000;

async function git(cwd: string, args: string[]) {
  const { stdout } = await run('git', args, {
    cwd,
    timeout: GIT_TIMEOUT_MS,
    env: { ...process.env, GIT_TERMINAL_PROMPT: '0' },
  });
  return stdout.trim();
}

async function countFiles(folder: string): Promise<number> {
  const entries = await fs.readdir(folder, {
    recursive: true,
    withFileTypes: true,
  });
  return entries.filter(e => e.isFile()).length;
}

/**
 * `publish:local-git`: the embedded default's publish step. Makes the
 * workspace (or a folder of it) a new git repository, one commit authored by
 * the person who ran the template, under `templates.localRepositories`.
 * Refuses a repository that exists (nothing is overwritten), and people who
 * may not register catalog entities by hand.
 */
export function createPublishLocalGitAction(options: {
  auditor: AuditorService;
  permissions: PermissionsService;
  catalog: CatalogService;
  localRepositories?: string;
}) {
  return createTemplateAction({
    id: 'publish:local-git',
    description:
      'Publishes the workspace as a new git repository in the local repositories folder (templates.localRepositories): the embedded default',
    supportsDryRun: true,
    schema: {
      input: {
        repoName: z => z.string().describe('Folder name of the new repository'),
        sourcePath: z =>
          z
            .string()
            .default('.')
            .describe('Folder of the workspace to publish'),
        defaultBranch: z =>
          z
            .string()
            .regex(/^[A-Za-z0-9._/-]{1,100}$/)
            .default('main'),
        commitMessage: z =>
          z
            .string()
            .min(1)
            .max(500)
            .default('Initial commit from Stack Portal'),
      },
      output: {
        localPath: z => z.string(),
        remoteUrl: z => z.string(),
        commitHash: z => z.string(),
        defaultBranch: z => z.string(),
      },
    },
    async handler(ctx) {
      const { credentials, userEntityRef } = await initiatorOf(ctx);
      await requirePermission(
        options.permissions,
        catalogLocationCreatePermission,
        credentials,
        'register new entities in the catalog',
      );
      const root = await repositoriesRoot(options.localRepositories);
      const target = repositoryFolder(root, ctx.input.repoName);
      const source = path.resolve(
        ctx.workspacePath,
        ctx.input.sourcePath ?? '.',
      );
      if (
        source !== ctx.workspacePath &&
        !source.startsWith(ctx.workspacePath + path.sep)
      ) {
        throw new InputError(
          `sourcePath ${ctx.input.sourcePath} leaves the workspace`,
        );
      }
      const branch = ctx.input.defaultBranch ?? 'main';
      await auditedStep(
        options.auditor,
        {
          eventId: 'template-publish-local',
          ctx,
          userEntityRef,
          meta: { repository: ctx.input.repoName },
        },
        async () => {
          if (ctx.isDryRun) {
            ctx.logger.info(
              `Dry run: would create the git repository ${target} (branch ${branch}) with ${await countFiles(
                source,
              )} files`,
            );
            ctx.output('localPath', target);
            ctx.output('remoteUrl', `file://${target}`);
            ctx.output('commitHash', '');
            ctx.output('defaultBranch', branch);
            return { result: undefined };
          }
          const commitHash = await ctx.checkpoint({
            key: `publish-local-${ctx.input.repoName}`,
            fn: async () => {
              const exists = await fs.stat(target).then(
                () => true,
                () => false,
              );
              if (exists) {
                throw new ConflictError(
                  `The local repository ${target} exists already: nothing was overwritten; choose another name or remove it`,
                );
              }
              const user = await options.catalog
                .getEntityByRef(userEntityRef, { credentials })
                .catch(() => undefined);
              const profile = (user?.spec?.profile ?? {}) as {
                displayName?: string;
                email?: string;
              };
              const author =
                profile.displayName ??
                userEntityRef.replace(/^user:(default\/)?/, '');
              const email =
                profile.email ??
                `${author.replace(/\W+/g, '.')}@users.stackportal.invalid`;
              // copied into a sibling first, then renamed: a crash leaves no half repository
              const staging = `${target}.partial-${ctx.task.id}`;
              await fs.rm(staging, { recursive: true, force: true });
              try {
                await fs.cp(source, staging, { recursive: true });
                await git(staging, [
                  'init',
                  '--quiet',
                  `--initial-branch=${branch}`,
                ]);
                await git(staging, ['add', '--all']);
                await git(staging, [
                  '-c',
                  `user.name=${author}`,
                  '-c',
                  `user.email=${email}`,
                  '-c',
                  'commit.gpgsign=false',
                  'commit',
                  '--quiet',
                  '-m',
                  ctx.input.commitMessage ?? 'Initial commit from Stack Portal',
                ]);
                await fs.rename(staging, target);
              } catch (error) {
                await fs.rm(staging, { recursive: true, force: true });
                throw error;
              }
              return git(target, ['rev-parse', 'HEAD']);
            },
          });
          ctx.logger.info(
            `Published ${target} (branch ${branch}, commit ${commitHash.slice(
              0,
              12,
            )})`,
          );
          ctx.output('localPath', target);
          ctx.output('remoteUrl', `file://${target}`);
          ctx.output('commitHash', commitHash);
          ctx.output('defaultBranch', branch);
          return {
            result: undefined,
            meta: { path: target, commit: commitHash },
          };
        },
      );
    },
  });
}
