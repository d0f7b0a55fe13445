import {
  AuthService,
  DiscoveryService,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { IndexableDocument } from '@backstage/plugin-search-common';
import {
  ADR_SEARCH_TYPE,
  adrReadPermission,
  AdrSearchDocument,
} from '@internal/backstage-plugin-adr-common';
import {
  PluginDocumentsCollatorFactory,
  PluginSearchDocuments,
} from '@internal/backstage-plugin-http-node';

/** A decision as the search index holds it. */
export type AdrDocument = AdrSearchDocument & IndexableDocument;

/**
 * Every decision record under the search type `adr` (the search page's
 * "Decisions", drawn by the ADR plugin's result item: title, status, stacks),
 * read from the ADR plugin's own API instead of the repositories a second
 * time; results link to the record on its entity's Decisions tab.
 */
export const ADR_SEARCH_DOCUMENTS: PluginSearchDocuments = {
  type: ADR_SEARCH_TYPE,
  visibilityPermission: adrReadPermission,
  pluginId: 'adr',
  what: 'decision records',
};

/** Indexes the decision records. */
export const AdrCollatorFactory = {
  fromConfig: (services: {
    discovery: DiscoveryService;
    auth: AuthService;
    logger: LoggerService;
    timeoutMs?: number;
  }) => PluginDocumentsCollatorFactory.create(ADR_SEARCH_DOCUMENTS, services),
};
