import {
  AuthService,
  DiscoveryService,
  LoggerService,
} from '@backstage/backend-plugin-api';
import {
  PluginDocumentsCollatorFactory,
  PluginSearchDocuments,
} from '@internal/backstage-plugin-http-node';
import { supportTicketReadPermission } from '@internal/backstage-plugin-support-common';

/**
 * Every ticket (search type `support-ticket`), read through the support
 * plugin's own API. Only public text is indexed: the title, description and
 * labels, never a note.
 */
export const TICKET_SEARCH_DOCUMENTS: PluginSearchDocuments = {
  type: 'support-ticket',
  visibilityPermission: supportTicketReadPermission,
  pluginId: 'support',
  what: 'support tickets',
};

/** Indexes the tickets. */
export const TicketCollatorFactory = {
  fromConfig: (services: {
    discovery: DiscoveryService;
    auth: AuthService;
    logger: LoggerService;
    timeoutMs?: number;
  }) =>
    PluginDocumentsCollatorFactory.create(TICKET_SEARCH_DOCUMENTS, services),
};
