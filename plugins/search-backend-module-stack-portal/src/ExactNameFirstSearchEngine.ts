import { LoggerService } from '@backstage/backend-plugin-api';
import {
  QueryRequestOptions,
  QueryTranslator,
  SearchEngine,
} from '@backstage/plugin-search-backend-node';
import {
  IndexableDocument,
  IndexableResult,
  IndexableResultSet,
  SearchQuery,
} from '@backstage/plugin-search-common';
import { Writable } from 'node:stream';

/**
 * The document field that holds the names a document is known by, lower case
 * (its title, and for a catalog entity its `metadata.name`). `ExactNamesDecorator`
 * fills it for every document.
 */
export const EXACT_NAMES_FIELD = 'exactNames';

/** A document that may carry its exact names (anything, as read back from an index). */
export type WithExactNames = IndexableDocument & {
  [EXACT_NAMES_FIELD]?: unknown;
};

/** How many documents with exactly the typed name are looked for. */
const EXACT_LIMIT = 100;

/** A term as names are kept in `exactNames`: trimmed, lower case, single spaces. */
export function normaliseName(value: string): string {
  return value.trim().replace(/\s+/g, ' ').toLocaleLowerCase('en-US');
}

const keyOf = (result: IndexableResult) =>
  `${result.type}\u0000${result.document.location}`;

const namesOf = (document: IndexableDocument): string[] => {
  const names = (document as WithExactNames)[EXACT_NAMES_FIELD];
  return Array.isArray(names) ? names.filter(n => typeof n === 'string') : [];
};

/**
 * Puts the documents whose name is exactly what was typed before the others.
 *
 * Both engines score words, not names: Lunr splits `CAP_MESSAGING_ENABLED`
 * into `cap`, `messaging` and `enabled` when it indexes and when it queries,
 * so the flag is one of many loose hits and scores from different document
 * types are not comparable; PostgreSQL finds the three words as a phrase but
 * ranks a long document that repeats them above the flag. Before each query
 * this engine asks the engine it wraps for the documents whose
 * `exactNames` hold the term (a filter both engines understand: a JSON
 * containment in PostgreSQL, required words in Lunr, checked here for
 * equality), shows them first on the first page and leaves them out of the
 * ordinary results of every page.
 */
export class ExactNameFirstSearchEngine implements SearchEngine {
  private constructor(
    private readonly engine: SearchEngine,
    private readonly logger: LoggerService,
  ) {}

  static wrap(options: {
    engine: SearchEngine;
    logger: LoggerService;
  }): ExactNameFirstSearchEngine {
    return new ExactNameFirstSearchEngine(options.engine, options.logger);
  }

  setTranslator(translator: QueryTranslator): void {
    this.engine.setTranslator(translator);
  }

  getIndexer(type: string): Promise<Writable> {
    return this.engine.getIndexer(type);
  }

  async query(
    query: SearchQuery,
    options?: QueryRequestOptions,
  ): Promise<IndexableResultSet> {
    const name = normaliseName(query.term ?? '');
    const [results, exact] = await Promise.all([
      this.engine.query(query, options),
      name ? this.exactMatches(query, name, options) : [],
    ]);
    if (!exact.length) return results;
    const first = new Set(exact.map(keyOf));
    const rest = results.results.filter(r => !first.has(keyOf(r)));
    // an exact match the words found too keeps its highlighted title and text
    const found = new Map(results.results.map(r => [keyOf(r), r]));
    const exactFirst = exact.map(r => found.get(keyOf(r)) ?? r);
    const onFirstPage = !results.previousPageCursor;
    const merged = onFirstPage ? [...exactFirst, ...rest] : rest;
    const offset = onFirstPage ? 0 : (results.results[0]?.rank ?? 1) - 1;
    return {
      ...results,
      results: merged.map((r, i) => ({ ...r, rank: offset + i + 1 })),
      numberOfResults:
        results.numberOfResults === undefined
          ? undefined
          : Math.max(results.numberOfResults, exact.length),
    };
  }

  /** The documents named exactly `name`, in the types and filters asked for. */
  private async exactMatches(
    query: SearchQuery,
    name: string,
    options?: QueryRequestOptions,
  ): Promise<IndexableResult[]> {
    try {
      const { results } = await this.engine.query(
        {
          term: '',
          types: query.types,
          filters: { ...query.filters, [EXACT_NAMES_FIELD]: name },
          pageLimit: EXACT_LIMIT,
        },
        options,
      );
      return results.filter(r => namesOf(r.document).includes(name));
    } catch (error) {
      // an index without the field (or none yet): the ordinary results stand
      this.logger.debug(
        `No exact-name results for "${name}": ${(error as Error).message}`,
      );
      return [];
    }
  }
}
