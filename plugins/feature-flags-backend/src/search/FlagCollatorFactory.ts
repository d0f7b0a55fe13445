import {
  AuthService,
  DiscoveryService,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { IndexableDocument } from '@backstage/plugin-search-common';
import {
  FEATURE_FLAG_SEARCH_TYPE,
  featureFlagsFlagReadPermission,
  FlagSearchDocument,
} from '@internal/backstage-plugin-feature-flags-common';
import {
  PluginDocumentsCollatorFactory,
  PluginSearchDocuments,
} from '@internal/backstage-plugin-http-node';

/** A flag as the search index holds it. */
export type FlagDocument = FlagSearchDocument & IndexableDocument;

/**
 * Every flag (search type `feature-flag`), read through the feature-flags
 * plugin's own API, so both providers (Unleash or the embedded one) are read
 * the way the Flags page reads them. The search plugin shows the flags only
 * to those who hold `feature-flags.flag.read` (a basic permission: checked
 * once per query for the whole type); results open the flag's dialog on the
 * Flags page.
 */
export const FLAG_SEARCH_DOCUMENTS: PluginSearchDocuments = {
  type: FEATURE_FLAG_SEARCH_TYPE,
  visibilityPermission: featureFlagsFlagReadPermission,
  pluginId: 'feature-flags',
  what: 'feature flags',
};

/** Indexes the flags. */
export const FlagCollatorFactory = {
  fromConfig: (services: {
    discovery: DiscoveryService;
    auth: AuthService;
    logger: LoggerService;
    timeoutMs?: number;
  }) => PluginDocumentsCollatorFactory.create(FLAG_SEARCH_DOCUMENTS, services),
};
