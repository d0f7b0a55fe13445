import {
  AuthService,
  BackendFeature,
  coreServices,
  createBackendModule,
  DiscoveryService,
  LoggerService,
  readSchedulerServiceTaskScheduleDefinitionFromConfig,
  SchedulerServiceTaskScheduleDefinition,
} from '@backstage/backend-plugin-api';
import { ResponseError } from '@backstage/errors';
import { Permission } from '@backstage/plugin-permission-common';
import { searchIndexRegistryExtensionPoint } from '@backstage/plugin-search-backend-node/alpha';
import {
  DocumentCollatorFactory,
  IndexableDocument,
} from '@backstage/plugin-search-common';
import { Readable } from 'node:stream';

/**
 * A search type whose documents a plugin serves itself, at
 * `GET /api/<pluginId>/search-documents` (`{ documents: [...] }`, for service
 * callers only), so that the index reads what the plugin's own pages read.
 */
export interface PluginSearchDocuments {
  /** The search type (`adr`, `feature-flag`, `support-ticket`). */
  type: string;
  /** Who may see the documents in results (checked by the search plugin). */
  visibilityPermission?: Permission;
  /** The plugin that serves them. */
  pluginId: string;
  /** What they are, for the log line: `decision records`. */
  what: string;
}

const FETCH_TIMEOUT_MS = 60_000;

/**
 * Reads a plugin's search documents as the search plugin's service identity
 * (a plugin request token for that plugin), with a time-out.
 */
export class PluginDocumentsCollatorFactory implements DocumentCollatorFactory {
  readonly type: string;
  readonly visibilityPermission?: Permission;

  private constructor(
    private readonly source: PluginSearchDocuments,
    private readonly services: {
      discovery: DiscoveryService;
      auth: AuthService;
      logger: LoggerService;
      timeoutMs?: number;
    },
  ) {
    this.type = source.type;
    this.visibilityPermission = source.visibilityPermission;
  }

  static create(
    source: PluginSearchDocuments,
    services: {
      discovery: DiscoveryService;
      auth: AuthService;
      logger: LoggerService;
      timeoutMs?: number;
    },
  ): PluginDocumentsCollatorFactory {
    return new PluginDocumentsCollatorFactory(source, services);
  }

  async getCollator(): Promise<Readable> {
    return Readable.from(this.documents());
  }

  private async *documents(): AsyncGenerator<IndexableDocument> {
    const { discovery, auth, logger } = this.services;
    const { pluginId, what } = this.source;
    const baseUrl = await discovery.getBaseUrl(pluginId);
    const { token } = await auth.getPluginRequestToken({
      onBehalfOf: await auth.getOwnServiceCredentials(),
      targetPluginId: pluginId,
    });
    const response = await fetch(`${baseUrl}/search-documents`, {
      headers: { Authorization: `Bearer ${token}` },
      signal: AbortSignal.timeout(this.services.timeoutMs ?? FETCH_TIMEOUT_MS),
    });
    if (!response.ok) throw await ResponseError.fromResponse(response);
    const { documents } = (await response.json()) as {
      documents: IndexableDocument[];
    };
    logger.info(`Indexing ${documents.length} ${what}`);
    yield* documents;
  }
}

/**
 * The search module that indexes a plugin's documents on a schedule: from
 * `scheduleConfigKey` when configured, every 10 minutes otherwise (the first
 * time `initialDelay` after start).
 */
export function pluginDocumentsCollatorModule(
  options: PluginSearchDocuments & {
    moduleId: string;
    scheduleConfigKey: string;
    initialDelay?: { seconds: number };
  },
): BackendFeature {
  return createBackendModule({
    pluginId: 'search',
    moduleId: options.moduleId,
    register(reg) {
      reg.registerInit({
        deps: {
          config: coreServices.rootConfig,
          discovery: coreServices.discovery,
          auth: coreServices.auth,
          logger: coreServices.logger,
          scheduler: coreServices.scheduler,
          indexRegistry: searchIndexRegistryExtensionPoint,
        },
        async init({
          config,
          discovery,
          auth,
          logger,
          scheduler,
          indexRegistry,
        }) {
          const schedule: SchedulerServiceTaskScheduleDefinition = config.has(
            options.scheduleConfigKey,
          )
            ? readSchedulerServiceTaskScheduleDefinitionFromConfig(
                config.getConfig(options.scheduleConfigKey),
              )
            : {
                frequency: { minutes: 10 },
                timeout: { minutes: 5 },
                initialDelay: options.initialDelay ?? { seconds: 10 },
              };
          indexRegistry.addCollator({
            schedule: scheduler.createScheduledTaskRunner(schedule),
            factory: PluginDocumentsCollatorFactory.create(options, {
              discovery,
              auth,
              logger,
            }),
          });
        },
      });
    },
  });
}
