import { pluginDocumentsCollatorModule } from '@internal/backstage-plugin-http-node';
import { ADR_SEARCH_DOCUMENTS } from './AdrCollatorFactory';

/**
 * Search module: indexes decision records (type `adr`) so that searching for
 * "WebSocket" finds SmartStack's ADR-004. Schedule: `adr.search.schedule`.
 *
 * @public
 */
export const searchModuleAdrCollator = pluginDocumentsCollatorModule({
  ...ADR_SEARCH_DOCUMENTS,
  moduleId: 'adr-collator',
  scheduleConfigKey: 'adr.search.schedule',
  initialDelay: { seconds: 5 },
});
