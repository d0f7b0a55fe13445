import { LoggerService } from '@backstage/backend-plugin-api';
import {
  LunrQueryTranslator,
  LunrSearchEngine,
} from '@backstage/plugin-search-backend-node';
import { EXACT_NAMES_FIELD } from './ExactNameFirstSearchEngine';

/** `lunr.Query.presence.REQUIRED` (lunr is not a dependency of its own here). */
const LUNR_REQUIRED = 2;

/**
 * Lunr, able to filter on `exactNames` as whole names. Lunr keeps each
 * element of an array field as one token (`cap_messaging_enabled` stays one
 * word, where a string field would be split at the underscores), but its
 * translator splits a filter's value into words; this one asks for the name
 * as the single token it was indexed as, and leaves every other part of the
 * query to Backstage's translator.
 */
export class ExactNamesLunrSearchEngine extends LunrSearchEngine {
  constructor(options: { logger: LoggerService }) {
    super(options);
    const words = this.translator as LunrQueryTranslator;
    this.setTranslator(query => {
      const { [EXACT_NAMES_FIELD]: name, ...filters } = query.filters ?? {};
      if (typeof name !== 'string') return words(query);
      const concrete = words({ ...query, filters });
      return {
        ...concrete,
        lunrQueryBuilder: q => {
          concrete.lunrQueryBuilder.call(q, q);
          if (!q.allFields.includes(EXACT_NAMES_FIELD)) {
            // the engine passes over an index without the field, as for any filter
            throw new Error(`unrecognised field ${EXACT_NAMES_FIELD}`);
          }
          q.term(name, {
            fields: [EXACT_NAMES_FIELD],
            presence: LUNR_REQUIRED,
          });
        },
      };
    });
  }
}
