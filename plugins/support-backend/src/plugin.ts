import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { Config, readDurationFromConfig } from '@backstage/config';
import { durationToMilliseconds } from '@backstage/types';
import {
  DefaultGithubCredentialsProvider,
  ScmIntegrations,
} from '@backstage/integration';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { notificationService } from '@backstage/plugin-notifications-node';
import { readRoleMapping } from '@internal/backstage-plugin-roles-common';
import { supportPermissions } from '@internal/backstage-plugin-support-common';
import { Octokit } from '@octokit/rest';
import { GithubClient } from './github/GithubClient';
import { DefaultGithubSync, GithubSync } from './github/GithubSync';
import { createRouter } from './router';
import { SearchDocuments } from './search/SearchDocuments';
import { Notifier } from './service/Notifier';
import { SlaMonitor } from './service/SlaMonitor';
import { DefaultSupportService } from './service/SupportService';
import { TicketChanges } from './service/TicketChanges';
import { SlaPolicies } from './sla/SlaPolicies';
import { DatabaseGithubSyncStore } from './store/DatabaseGithubSyncStore';
import { DatabaseTicketStore } from './store/DatabaseTicketStore';

const DEFAULT_REOPEN_DAYS = 7;
const DEFAULT_QUEUE = 'group:default/support';
const GITHUB_TIMEOUT_MS = 10_000;

/** A task's schedule: its interval from config (ISO 8601 or a duration object), or the default. */
function schedule(
  config: Config,
  key: string,
  fallback: { seconds?: number; minutes?: number },
) {
  const frequency = config.has(key)
    ? {
        milliseconds: durationToMilliseconds(
          readDurationFromConfig(config, { key }),
        ),
      }
    : fallback;
  return { frequency, timeout: { minutes: 5 }, initialDelay: { seconds: 5 } };
}

/** Whether GitHub sync is on: `support.github.enabled`, or a github integration with credentials. */
function githubConfigured(config: Config): boolean {
  const explicit = config.getOptionalBoolean('support.github.enabled');
  if (explicit !== undefined) return explicit;
  return (config.getOptionalConfigArray('integrations.github') ?? []).some(
    c => c.has('token') || c.has('apps'),
  );
}

/**
 * Support tickets on catalog entities: raise, triage, SLA clocks with
 * warnings and breaches, notifications, and GitHub Issues sync both ways.
 *
 * @public
 */
export const supportPlugin = createBackendPlugin({
  pluginId: 'support',
  register(env) {
    env.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        httpAuth: coreServices.httpAuth,
        httpRouter: coreServices.httpRouter,
        userInfo: coreServices.userInfo,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
        auditor: coreServices.auditor,
        database: coreServices.database,
        scheduler: coreServices.scheduler,
        catalog: catalogServiceRef,
        notifications: notificationService,
      },
      async init(deps) {
        const { config, logger, scheduler, auditor } = deps;
        deps.permissionsRegistry.addPermissions(supportPermissions);
        const store = await DatabaseTicketStore.create({
          database: deps.database,
        });
        const policies = SlaPolicies.fromConfig(config);
        const notifier = Notifier.create({
          notifications: deps.notifications,
          logger,
          supportRefs: readRoleMapping(config).support ?? [],
        });

        let github: GithubSync | undefined;
        if (githubConfigured(config)) {
          const host =
            config.getOptionalString('support.github.host') ?? 'github.com';
          const integrations = ScmIntegrations.fromConfig(config);
          const credentials =
            DefaultGithubCredentialsProvider.fromIntegrations(integrations);
          const apiBaseUrl =
            integrations.github.byHost(host)?.config.apiBaseUrl ??
            'https://api.github.com';
          const client = GithubClient.create({
            octokitFor: async repo => {
              const { token } = await credentials.getCredentials({
                url: `https://${host}/${repo}`,
              });
              return new Octokit({
                auth: token,
                baseUrl: apiBaseUrl,
                request: { timeout: GITHUB_TIMEOUT_MS },
              });
            },
          });
          github = DefaultGithubSync.create({
            client,
            store,
            syncStore: DatabaseGithubSyncStore.create({ client: store.client }),
            changes: TicketChanges.create({ store, policies, now: Date.now }),
            auditor,
            logger,
            appBaseUrl: config.getString('app.baseUrl'),
            webhookSecret: config.getOptionalString(
              'support.github.webhookSecret',
            ),
            backoffMs: config.has('support.github.retryBackoff')
              ? durationToMilliseconds(
                  readDurationFromConfig(config, {
                    key: 'support.github.retryBackoff',
                  }),
                )
              : undefined,
          });
          const sync = github;
          await scheduler.scheduleTask({
            id: 'support-github-outbox',
            ...schedule(config, 'support.github.flushInterval', {
              seconds: 30,
            }),
            fn: async () => {
              await sync.flush();
            },
          });
          await scheduler.scheduleTask({
            id: 'support-github-poll',
            ...schedule(config, 'support.github.pollInterval', { minutes: 5 }),
            fn: async () => {
              await sync.poll();
            },
          });
          logger.info(`Support tickets sync with GitHub issues on ${host}`);
        } else {
          logger.info(
            'Support tickets: GitHub sync is off (no github integration with credentials)',
          );
        }

        const monitor = SlaMonitor.create({ store, notifier, auditor, logger });
        await scheduler.scheduleTask({
          id: 'support-sla-clocks',
          ...schedule(config, 'support.sla.checkInterval', { minutes: 1 }),
          fn: async () => {
            await monitor.run();
          },
        });

        const service = DefaultSupportService.create({
          store,
          catalog: deps.catalog,
          policies,
          notifier,
          auditor,
          logger,
          github,
          reopenWindowDays:
            config.getOptionalNumber('support.reopenWindowDays') ??
            DEFAULT_REOPEN_DAYS,
          defaultQueueRef:
            config.getOptionalString('support.defaultQueue') ?? DEFAULT_QUEUE,
        });
        deps.httpRouter.addAuthPolicy({
          path: '/github/webhook',
          allow: 'unauthenticated',
        });
        deps.httpRouter.use(
          await createRouter({
            httpAuth: deps.httpAuth,
            userInfo: deps.userInfo,
            permissions: deps.permissions,
            auditor,
            service,
            github,
            searchDocuments: SearchDocuments.create({ store }),
          }),
        );
      },
    });
  },
});
