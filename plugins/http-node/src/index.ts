/**
 * What every Stack Portal router shares: one input parser (a zod schema in,
 * an `InputError` with one message format out), real dates, one page shape;
 * and the search module that indexes what a plugin serves at
 * `/search-documents`.
 *
 * @packageDocumentation
 */
export { describeInputProblems, parseInput, queryList } from './input';
export {
  isoDate,
  isoDateOrDateTime,
  isoDateTime,
  isRealDate,
  isRealDateOrDateTime,
  isRealDateTime,
} from './dates';
export {
  decodeCursor,
  DEFAULT_MAX_PAGE_SIZE,
  encodeCursor,
  pageOf,
  pageQuery,
} from './pagination';
export type { Page } from './pagination';
export {
  hideStackTraces,
  SHOW_STACK_TRACES_KEY,
  withoutStack,
} from './stackTraces';
export {
  PluginDocumentsCollatorFactory,
  pluginDocumentsCollatorModule,
} from './searchDocuments';
export type { PluginSearchDocuments } from './searchDocuments';
