import { pluginDocumentsCollatorModule } from '@internal/backstage-plugin-http-node';
import { TICKET_SEARCH_DOCUMENTS } from './TicketCollatorFactory';

/**
 * Search module: indexes support tickets (type `support-ticket`), so that
 * searching finds a ticket by its title, description or labels. Schedule:
 * `support.search.schedule`.
 *
 * @public
 */
export const searchModuleSupportCollator = pluginDocumentsCollatorModule({
  ...TICKET_SEARCH_DOCUMENTS,
  moduleId: 'support-collator',
  scheduleConfigKey: 'support.search.schedule',
});
