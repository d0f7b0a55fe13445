import { AuditorService } from '@backstage/backend-plugin-api';
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { ConflictError, InputError, NotFoundError } from '@backstage/errors';
import {
  DefaultGithubCredentialsProvider,
  ScmIntegrationRegistry,
} from '@backstage/integration';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import {
  adrFileName,
  formatAdrId,
  nextAdrNumber,
  numberFromFileName,
  numberFromText,
  renderNewAdr,
} from '@internal/backstage-plugin-adr-common';
import { Octokit } from '@octokit/rest';
import fs from 'node:fs/promises';
import path from 'node:path';
import { AdrTarget, resolveAdrTarget } from './targets';

const list = (value: string | string[] | undefined) =>
  ([] as string[])
    .concat(value ?? [])
    .flatMap(v => v.split(','))
    .map(v => v.trim())
    .filter(Boolean);

/** The files in the folder that `supersedes` names, by file name or number (`ADR-004`, `4`). */
function supersededFiles(wanted: string[], names: string[]): string[] {
  return wanted.map(value => {
    if (names.includes(value)) return value;
    const number =
      numberFromText(value) ??
      (/^\d+$/.test(value) ? Number(value) : undefined);
    const found = names.filter(
      n => number !== undefined && numberFromFileName(n)?.number === number,
    );
    if (found.length !== 1) {
      throw new InputError(
        `Supersedes "${value}": no single decision with that number in the folder`,
      );
    }
    return found[0];
  });
}

/** `/catalog/default/system/smartstack/decisions?record=…` */
export function recordUrl(entityRef: string, file: string): string {
  const ref = parseEntityRef(entityRef);
  return `/catalog/${ref.namespace}/${ref.kind.toLocaleLowerCase('en-US')}/${
    ref.name
  }/decisions?record=${encodeURIComponent(file)}`;
}

/**
 * `adr:create`: writes the next-numbered decision record, from the
 * organisation's decision template, into an entity's ADR location: a file in
 * the local repository folder for entities from local files, a pull request
 * for entities in a GitHub repository. Then refreshes the entity in the
 * catalog. Audited as `adr-create`.
 */
export function createAdrAction(options: {
  catalog: CatalogService;
  integrations: ScmIntegrationRegistry;
  auditor: AuditorService;
  localRepository?: string;
  /** For tests: today's date. */
  today?: () => string;
}) {
  const { catalog, integrations, auditor, localRepository } = options;
  const today = options.today ?? (() => new Date().toISOString().slice(0, 10));
  const credentialsProvider =
    DefaultGithubCredentialsProvider.fromIntegrations(integrations);

  return createTemplateAction({
    id: 'adr:create',
    description:
      "Writes the next-numbered architecture decision record into an entity's backstage.io/adr-location (locally, or as a GitHub pull request) and refreshes the entity",
    supportsDryRun: true,
    schema: {
      input: {
        entityRef: z =>
          z
            .string()
            .min(1)
            .describe(
              'The entity whose ADR location receives the record (with workspacePath: the entity being created, for the link)',
            ),
        workspacePath: z =>
          z
            .string()
            .min(1)
            .optional()
            .describe(
              'A folder of the task workspace: the record is written there instead, for templates that create the entity with its first decision',
            ),
        title: z =>
          z
            .string()
            .trim()
            .min(3)
            .max(200)
            .describe('A short statement of the decision'),
        status: z => z.enum(['proposed', 'accepted']).default('proposed'),
        deciders: z => z.union([z.string(), z.array(z.string())]).optional(),
        context: z => z.string().max(20000).optional(),
        decision: z => z.string().max(20000).optional(),
        rationale: z => z.string().max(20000).optional(),
        alternatives: z => z.string().max(20000).optional(),
        supersedes: z =>
          z
            .union([z.string(), z.array(z.string())])
            .optional()
            .describe('Decisions it replaces: ADR-004, 4, or a file name'),
      },
      output: {
        fileName: z => z.string(),
        id: z => z.string(),
        number: z => z.number(),
        location: z => z.string(),
        recordUrl: z => z.string(),
        pullRequestUrl: z => z.string().optional(),
        summary: z => z.string(),
      },
    },
    async handler(ctx) {
      const { input } = ctx;
      const credentials = await ctx.getInitiatorCredentials();
      const initiatedBy =
        (credentials.principal as { userEntityRef?: string }).userEntityRef ??
        'unknown';
      const renderFor = (names: string[]) => {
        const next = nextAdrNumber(names);
        const fileName = adrFileName(next.number, input.title, next);
        const markdown = renderNewAdr({
          number: next.number,
          numbering: next,
          title: input.title,
          status: input.status ?? 'proposed',
          date: today(),
          deciders: list(input.deciders),
          context: input.context ?? '',
          decision: input.decision ?? '',
          rationale: input.rationale,
          alternatives: input.alternatives,
          supersedes: supersededFiles(list(input.supersedes), names),
        });
        return {
          fileName,
          markdown,
          number: next.number,
          id: formatAdrId(next.number, next.width),
        };
      };
      if (input.workspacePath) {
        await writeInWorkspace({
          ctx,
          folder: input.workspacePath,
          entityRef: input.entityRef,
          auditor,
          initiatedBy,
          render: renderFor,
        });
        return;
      }
      const entity = await catalog.getEntityByRef(input.entityRef, {
        credentials,
      });
      if (!entity)
        throw new NotFoundError(
          `No entity ${input.entityRef} (or you may not see it)`,
        );
      const entityRef = stringifyEntityRef(entity);
      const target = await resolveAdrTarget(entity, {
        integrations,
        localRepository,
      });

      const event = await auditor.createEvent({
        eventId: 'adr-create',
        severityLevel: 'medium',
        meta: {
          entityRef,
          mode: target.type,
          taskId: ctx.task.id,
          dryRun: Boolean(ctx.isDryRun),
          initiatedBy,
        },
      });
      try {
        const write = target.type === 'local' ? writeLocal : openPullRequest;
        const result = await write({
          target,
          ctx,
          render: renderFor,
          entityName: entity.metadata.name,
          credentialsProvider,
        });

        if (!ctx.isDryRun) {
          try {
            await catalog.refreshEntity(entityRef, { credentials });
          } catch (e) {
            ctx.logger.warn(
              `The decision is written, but ${entityRef} could not be refreshed: ${
                (e as Error).message
              }`,
            );
          }
        }
        const summary =
          target.type === 'local'
            ? `${result.id} written to ${result.location}`
            : `${result.id} proposed in ${result.pullRequestUrl}`;
        ctx.logger.info(summary);
        ctx.output('fileName', result.fileName);
        ctx.output('id', result.id);
        ctx.output('number', result.number);
        ctx.output('location', result.location);
        ctx.output('recordUrl', recordUrl(entityRef, result.fileName));
        if (result.pullRequestUrl)
          ctx.output('pullRequestUrl', result.pullRequestUrl);
        ctx.output('summary', summary);
        await event.success({
          meta: {
            file: result.location,
            pullRequestUrl: result.pullRequestUrl ?? null,
          },
        });
      } catch (error) {
        await event.fail({ error: error as Error });
        throw error;
      }
    },
  });
}

interface Rendered {
  fileName: string;
  markdown: string;
  number: number;
  id: string;
}

interface WriteOptions {
  target: AdrTarget;
  ctx: { isDryRun?: boolean; logger: { info(message: string): void } };
  render: (existing: string[]) => Rendered;
  entityName: string;
  credentialsProvider: DefaultGithubCredentialsProvider;
}

type Written = Rendered & { location: string; pullRequestUrl?: string };

async function writeLocal({
  target,
  ctx,
  render,
}: WriteOptions): Promise<Written> {
  if (target.type !== 'local') throw new Error('not a local target');
  const names = await fs.readdir(target.folder).catch(() => [] as string[]);
  const rendered = render(names);
  const file = path.join(target.folder, rendered.fileName);
  const location = path.join(target.display, rendered.fileName);
  if (ctx.isDryRun) return { ...rendered, location };
  await fs.mkdir(target.folder, { recursive: true });
  try {
    // 'wx': never overwrite a record someone wrote in the meantime.
    await fs.writeFile(file, rendered.markdown, {
      encoding: 'utf8',
      flag: 'wx',
    });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') {
      throw new ConflictError(
        `${location} already exists; run the template again for the next number`,
      );
    }
    throw e;
  }
  return { ...rendered, location };
}

async function openPullRequest({
  target,
  ctx,
  render,
  entityName,
  credentialsProvider,
}: WriteOptions): Promise<Written> {
  if (target.type !== 'github') throw new Error('not a GitHub target');
  const { token } = await credentialsProvider.getCredentials({
    url: target.url,
  });
  if (!token) throw new InputError(`No GitHub credentials for ${target.url}`);
  const octokit = new Octokit({
    auth: token,
    baseUrl: target.apiBaseUrl,
    request: { timeout: 15_000 },
  });
  const { owner, repo, ref, folder } = target;

  let names: string[] = [];
  try {
    const { data } = await octokit.repos.getContent({
      owner,
      repo,
      path: folder,
      ref,
    });
    names = Array.isArray(data)
      ? data.filter(f => f.type === 'file').map(f => f.name)
      : [];
  } catch (e) {
    if ((e as { status?: number }).status !== 404) throw e;
  }
  const rendered = render(names);
  const filePath = folder
    ? `${folder}/${rendered.fileName}`
    : rendered.fileName;
  const location = `https://github.com/${owner}/${repo}/blob/${ref}/${filePath}`;
  if (ctx.isDryRun) return { ...rendered, location };

  const branch = `adr/${entityName}-${rendered.fileName.replace(/\.md$/, '')}`;
  const { data: head } = await octokit.git.getRef({
    owner,
    repo,
    ref: `heads/${ref}`,
  });
  await octokit.git.createRef({
    owner,
    repo,
    ref: `refs/heads/${branch}`,
    sha: head.object.sha,
  });
  await octokit.repos.createOrUpdateFileContents({
    owner,
    repo,
    path: filePath,
    branch,
    message: `${rendered.id}: ${rendered.markdown
      .split('\n')[0]
      .replace(/^#\s*ADR-\d+:\s*/, '')}`,
    content: Buffer.from(rendered.markdown, 'utf8').toString('base64'),
  });
  const { data: pull } = await octokit.pulls.create({
    owner,
    repo,
    head: branch,
    base: ref,
    title: `${rendered.id}: ${rendered.markdown
      .split('\n')[0]
      .replace(/^#\s*ADR-\d+:\s*/, '')}`,
    body: `A new architecture decision record, started from Stack Portal.\n\nFile: \`${filePath}\``,
  });
  ctx.logger.info(`Opened ${pull.html_url}`);
  return { ...rendered, location, pullRequestUrl: pull.html_url };
}

/**
 * The record written into a folder of the task workspace (created if
 * missing), numbered after the records already there: the first decision of
 * an entity a template is creating, published with the rest of it.
 */
async function writeInWorkspace(options: {
  ctx: {
    workspacePath: string;
    isDryRun?: boolean;
    task: { id: string };
    logger: { info(message: string): void };
    output(name: string, value: unknown): void;
  };
  folder: string;
  entityRef: string;
  auditor: AuditorService;
  initiatedBy: string;
  render: (existing: string[]) => Rendered;
}) {
  const { ctx, folder: relative } = options;
  const folder = path.resolve(ctx.workspacePath, relative);
  if (
    folder !== ctx.workspacePath &&
    !folder.startsWith(ctx.workspacePath + path.sep)
  ) {
    throw new InputError(`workspacePath ${relative} leaves the workspace`);
  }
  const event = await options.auditor.createEvent({
    eventId: 'adr-create',
    severityLevel: 'medium',
    meta: {
      entityRef: options.entityRef,
      mode: 'workspace',
      taskId: ctx.task.id,
      dryRun: Boolean(ctx.isDryRun),
      initiatedBy: options.initiatedBy,
    },
  });
  try {
    const names = await fs.readdir(folder).catch(() => [] as string[]);
    // This step run again after a crash (task recovery) finds the record it
    // wrote: the one that, left out, would be written again under its own name.
    const earlier = names
      .map(name => ({
        name,
        rendered: options.render(names.filter(n => n !== name)),
      }))
      .find(e => e.rendered.fileName === e.name)?.rendered;
    const rendered = earlier ?? options.render(names);
    const location = path.join(relative, rendered.fileName);
    if (!earlier) {
      await fs.mkdir(folder, { recursive: true });
      await fs.writeFile(
        path.join(folder, rendered.fileName),
        rendered.markdown,
        {
          encoding: 'utf8',
          flag: 'wx',
        },
      );
    }
    const summary = earlier
      ? `${rendered.id} was written to ${location} by this task before it was interrupted: not written twice`
      : `${rendered.id} written to ${location} in the new repository`;
    ctx.logger.info(summary);
    ctx.output('fileName', rendered.fileName);
    ctx.output('id', rendered.id);
    ctx.output('number', rendered.number);
    ctx.output('location', location);
    ctx.output('recordUrl', recordUrl(options.entityRef, rendered.fileName));
    ctx.output('summary', summary);
    await event.success({ meta: { file: location } });
  } catch (error) {
    await event.fail({ error: error as Error });
    throw error;
  }
}
