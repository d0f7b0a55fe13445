import {
  coreServices,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import { auditStoreServiceRef } from './auditStoreServiceRef';
import { auditRealActorServiceRef } from './realActorServiceRef';
import { StoringAuditorService } from './StoringAuditorService';

/**
 * Replaces Backstage's auditor: every plugin's audit events are logged as
 * before and stored in the one audit store.
 *
 * @public
 */
export const auditorServiceFactory = createServiceFactory({
  service: coreServices.auditor,
  deps: {
    config: coreServices.rootConfig,
    logger: coreServices.logger,
    auth: coreServices.auth,
    httpAuth: coreServices.httpAuth,
    plugin: coreServices.pluginMetadata,
    store: auditStoreServiceRef,
    realActor: auditRealActorServiceRef,
  },
  factory({ config, logger, auth, httpAuth, plugin, store, realActor }) {
    return StoringAuditorService.create({
      pluginId: plugin.getId(),
      store,
      logger: logger.child({ isAuditEvent: true }),
      auth,
      httpAuth,
      storeLowSeverity:
        config.getOptionalBoolean('auditLog.storeLowSeverity') ?? false,
      // an impersonation token's events name the admin behind it
      realActor: realActor.resolve,
    });
  },
});
