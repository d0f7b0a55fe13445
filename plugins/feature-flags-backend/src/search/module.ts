import { pluginDocumentsCollatorModule } from '@internal/backstage-plugin-http-node';
import { FLAG_SEARCH_DOCUMENTS } from './FlagCollatorFactory';

/**
 * Search module: indexes feature flags (type `feature-flag`), so that
 * searching `CAP_MESSAGING_ENABLED` finds the flag and opens its dialog.
 * Schedule: `featureFlags.search.schedule`.
 *
 * @public
 */
export const searchModuleFeatureFlagsCollator = pluginDocumentsCollatorModule({
  ...FLAG_SEARCH_DOCUMENTS,
  moduleId: 'feature-flags-collator',
  scheduleConfigKey: 'featureFlags.search.schedule',
});
