import { DecoratorBase } from '@backstage/plugin-search-backend-node';
import {
  DocumentDecoratorFactory,
  IndexableDocument,
} from '@backstage/plugin-search-common';
import { Transform } from 'node:stream';
import {
  EXACT_NAMES_FIELD,
  normaliseName,
  WithExactNames,
} from './ExactNameFirstSearchEngine';

/**
 * Gives every document, of every type, the names it is known by
 * (`exactNames`, lower case): its title, and any names its collator already
 * put there (a catalog entity's `metadata.name`). Every document has the
 * field, so Lunr, which takes an index's fields from its first document,
 * indexes it for every type.
 */
export class ExactNamesDecorator extends DecoratorBase {
  async initialize() {}

  async decorate(document: IndexableDocument): Promise<IndexableDocument> {
    const given = (document as WithExactNames)[EXACT_NAMES_FIELD];
    const names = [
      document.title,
      ...(Array.isArray(given) ? given : []),
    ].filter((n): n is string => typeof n === 'string' && n.trim() !== '');
    const decorated = {
      ...document,
      [EXACT_NAMES_FIELD]: [...new Set(names.map(normaliseName))],
    };
    return decorated;
  }

  async finalize() {}
}

/** Decorates the documents of every type with their exact names. */
export class ExactNamesDecoratorFactory implements DocumentDecoratorFactory {
  async getDecorator(): Promise<Transform> {
    return new ExactNamesDecorator();
  }
}
