import {
  BackendFeature,
  coreServices,
  createServiceFactory,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { notificationService } from '@backstage/plugin-notifications-node';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import scaffolderEntityModel from '@backstage/plugin-catalog-backend-module-scaffolder-entity-model';
import scaffolderPlugin from '@backstage/plugin-scaffolder-backend';
import stackPortalCatalogModule from '@internal/backstage-plugin-catalog-backend-module-stack-portal';
// the real flags backend beside the scaffolder: the template calls its public API
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import featureFlagsPlugin from '@internal/backstage-plugin-feature-flags-backend';
import adrModule from '@internal/backstage-plugin-scaffolder-backend-module-adr';
import { Knex } from 'knex';
import fs from 'node:fs/promises';
import path from 'node:path';
import request from 'supertest';
import { scaffolderModuleStackpro } from '../module';

/** How often Backstage's task broker polls a running task's events. */
const TASK_EVENT_POLL_MS = 1_000;

export const ADMIN = 'user:default/amara.okafor';
export const ADMIN2 = 'user:default/chen.wei';
export const ENGINEER = 'user:default/omar.haddad';
/** Signed in, but the policy gives them nothing beyond reading. */
export const VISITOR = 'user:default/visitor';
export const CLIENT_TOKEN = 'stackpro:development.test-client-token';

export const REPO_ROOT = resolvePackagePath(
  '@internal/backstage-plugin-scaffolder-backend-module-stackpro',
  '../..',
);

const ADMINS = [ADMIN, ADMIN2];
const ENGINEERS = [...ADMINS, ENGINEER, 'user:default/eli.martin'];
/** As the role policy grants them (plugins/permission-backend-module-*). */
const GRANTS: Record<string, string[]> = {
  'feature-flags.flag.create': ENGINEERS,
  'feature-flags.flag.toggle': ADMINS,
  'feature-flags.flag.archive': ADMINS,
  'feature-flags.flag.strategy.update': ADMINS,
  'feature-flags.flag.change-request.approve': ADMINS,
  'catalog.location.create': ENGINEERS,
  'catalog.entity.refresh': ENGINEERS,
};

function decide(name: string, who: string) {
  const granted = GRANTS[name];
  // reads and the rest of the catalog and scaffolder: everyone signed in
  const allow = granted ? granted.includes(who) : true;
  return { result: allow ? AuthorizeResult.ALLOW : AuthorizeResult.DENY };
}

/** The role policy's decisions, without a policy engine. */
const permissions = createServiceFactory({
  service: coreServices.permissions,
  deps: {},
  factory: () => {
    const answer = async (requests: any[], options: any) => {
      const who = options?.credentials?.principal?.userEntityRef ?? '';
      return requests.map(r => decide(r.permission.name, who)) as any;
    };
    return { authorize: answer, authorizeConditional: answer } as any;
  },
});

const groups: Record<string, string[]> = {
  [ADMIN]: ['group:default/platform-admins', 'group:default/team-platform'],
  [ADMIN2]: ['group:default/platform-admins', 'group:default/team-platform'],
  [ENGINEER]: ['group:default/team-ai'],
};
const userInfo = createServiceFactory({
  service: coreServices.userInfo,
  deps: {},
  factory: () => ({
    async getUserInfo(credentials: any) {
      const ref = credentials.principal.userEntityRef as string;
      return {
        userEntityRef: ref,
        ownershipEntityRefs: [ref, ...(groups[ref] ?? [])],
      };
    },
  }),
});

export interface RecordedAuditEvent {
  plugin: string;
  eventId: string;
  outcome: 'initiated' | 'succeeded' | 'failed';
  meta: Record<string, unknown>;
}

/** Every plugin's audit events, kept for the test to read. */
function recordingAuditor(events: RecordedAuditEvent[]) {
  return createServiceFactory({
    service: coreServices.auditor,
    deps: { plugin: coreServices.pluginMetadata },
    factory: ({ plugin }) => ({
      async createEvent(options: any) {
        const base = { plugin: plugin.getId(), eventId: options.eventId };
        events.push({
          ...base,
          outcome: 'initiated',
          meta: options.meta ?? {},
        });
        return {
          async success(o?: any) {
            events.push({
              ...base,
              outcome: 'succeeded',
              meta: { ...options.meta, ...o?.meta },
            });
          },
          async fail(o: any) {
            events.push({
              ...base,
              outcome: 'failed',
              meta: { ...options.meta, error: o?.error?.message },
            });
          },
        };
      },
    }),
  });
}

/**
 * The portal's backend as far as the templates need it, all real: the
 * catalog reading the repository's catalog and templates (with Stack
 * Portal's field checks), the scaffolder with the ADR and StackPro modules,
 * the feature-flags backend on its embedded provider; a database each.
 */
export async function startPortal(options: {
  /** A fresh database for each plugin (TestDatabases.init, or a new PostgreSQL database). */
  database: (pluginId: string) => Promise<Knex>;
  repositories: string;
  /**
   * Configuration blocks set instead of the embedded default's, e.g.
   * `featureFlags` and `unleash` for a real Unleash as the flags provider.
   */
  config?: Record<string, unknown>;
  /** More plugins and modules, e.g. the GitHub module of the scaffolder. */
  features?: BackendFeature[];
}) {
  const events: RecordedAuditEvent[] = [];
  const notifications = createServiceFactory({
    service: notificationService,
    deps: {},
    factory: () => ({ send: async () => {} }),
  });
  const backend = await startTestBackend({
    features: [
      catalogPlugin,
      scaffolderEntityModel,
      stackPortalCatalogModule,
      scaffolderPlugin,
      adrModule,
      scaffolderModuleStackpro,
      featureFlagsPlugin,
      ...(options.features ?? []),
      permissions,
      userInfo,
      notifications,
      recordingAuditor(events),
      createServiceFactory({
        service: coreServices.database,
        deps: { plugin: coreServices.pluginMetadata },
        async factory({ plugin }) {
          const knex = await options.database(plugin.getId());
          return { getClient: async () => knex, migrations: { skip: false } };
        },
      }),
      mockServices.rootConfig.factory({
        data: {
          catalog: {
            rules: [
              {
                allow: [
                  'Component',
                  'System',
                  'API',
                  'Resource',
                  'Location',
                  'Domain',
                ],
              },
            ],
            locations: [
              {
                type: 'file',
                target: path.join(REPO_ROOT, 'catalog/all.yaml'),
              },
              {
                type: 'file',
                target: path.join(REPO_ROOT, 'catalog/org/org.yaml'),
                rules: [{ allow: ['User', 'Group'] }],
              },
              ...['new-capability', 'new-stack'].map(t => ({
                type: 'file',
                target: path.join(REPO_ROOT, 'templates', t, 'template.yaml'),
                rules: [{ allow: ['Template'] }],
              })),
              {
                type: 'file',
                target: path.join(
                  options.repositories,
                  '*',
                  'catalog-info.yaml',
                ),
                rules: [{ allow: ['Component', 'API', 'System'] }],
              },
            ],
          },
          stackPortal: { roles: { admin: ['group:default/platform-admins'] } },
          featureFlags: {
            provider: 'local',
            environments: ['development', 'staging', 'production'],
            protectedEnvironments: ['production'],
            defaultProject: 'stackpro',
            clientTokens: [{ token: CLIENT_TOKEN, environment: 'development' }],
          },
          templates: { localRepositories: options.repositories },
          adr: { scaffolder: { localRepository: REPO_ROOT } },
          ...options.config,
        },
      }),
    ],
  });
  const server = backend.server;
  const as = (ref: string) => mockCredentials.user.header(ref);
  // the catalog has read the repository's catalog, org and templates
  const expected = [
    'template/default/new-capability',
    'template/default/new-stack',
    'group/default/team-ai',
    'user/default/omar.haddad',
    'domain/default/core-infrastructure',
    'system/default/ai-stack',
    'component/default/stackpro-messaging',
  ];
  await waitFor(
    async () => {
      for (const ref of expected) {
        const res = await request(server)
          .get(`/api/catalog/entities/by-name/${ref}`)
          .set('Authorization', as(ADMIN));
        if (res.status !== 200) return false;
      }
      return true;
    },
    90_000,
    500,
  );
  /**
   * Stops the backend once the scaffolder's task broker has looked for the
   * last task's end. For every task it runs, the broker polls the task's
   * events every second in a loop that is not tied to the backend's
   * lifecycle (`StorageTaskBroker.registerCancellable`); stopped within that
   * second of a task's end, the loop's next poll asks a database the test has
   * since destroyed, and its "Unable to acquire a connection" lands, unhandled,
   * in whichever test file runs next in the same jest worker.
   */
  const stop = async () => {
    await new Promise(resolve => setTimeout(resolve, TASK_EVENT_POLL_MS * 2));
    await backend.stop();
  };
  return { backend, server, events, as, stop };
}

export async function waitFor(
  check: () => Promise<boolean>,
  timeoutMs: number,
  stepMs = 250,
) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline)
      throw new Error(`Timed out after ${timeoutMs} ms`);
    await new Promise(r => setTimeout(r, stepMs));
  }
}

export interface TaskResult {
  status: string;
  output: Record<string, any>;
  log: string[];
}

/** Runs a template as `who` through the scaffolder's API, to its end. */
export async function runTemplate(
  server: any,
  who: string,
  template: string,
  values: Record<string, unknown>,
): Promise<TaskResult> {
  const created = await request(server)
    .post('/api/scaffolder/v2/tasks')
    .set('Authorization', mockCredentials.user.header(who))
    .send({ templateRef: `template:default/${template}`, values });
  if (created.status !== 201)
    throw new Error(
      `task not created: ${created.status} ${JSON.stringify(created.body)}`,
    );
  const id = created.body.id as string;
  let task: any;
  await waitFor(
    async () => {
      task = (
        await request(server)
          .get(`/api/scaffolder/v2/tasks/${id}`)
          .set('Authorization', mockCredentials.user.header(who))
      ).body;
      return ['completed', 'failed', 'cancelled'].includes(task.status);
    },
    120_000,
    200,
  );
  const events = (
    await request(server)
      .get(`/api/scaffolder/v2/tasks/${id}/events`)
      .set('Authorization', mockCredentials.user.header(who))
  ).body as Array<{
    type: string;
    body: { message?: string; output?: Record<string, any> };
  }>;
  // the task's output is in its completion event
  const completion = events.find(e => e.type === 'completion');
  return {
    status: task.status,
    output: completion?.body.output ?? {},
    log: events.filter(e => e.type === 'log').map(e => e.body.message ?? ''),
  };
}

/** The skeleton of a template as the dry-run API takes it. */
export async function directoryContents(folder: string) {
  const entries = await fs.readdir(folder, {
    recursive: true,
    withFileTypes: true,
  });
  const files = entries.filter(e => e.isFile());
  return Promise.all(
    files.map(async e => {
      const full = path.join(e.parentPath ?? (e as any).path, e.name);
      return {
        path: path.relative(path.dirname(folder), full),
        base64Content: (await fs.readFile(full)).toString('base64'),
      };
    }),
  );
}
