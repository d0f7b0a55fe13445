/**
 * What several Stack Portal frontend plugins share: the multi-select filter,
 * page filters kept in the URL, and the frame of a search result.
 *
 * @packageDocumentation
 */
export { MultiSelectFilter, optionsWithSelected } from './MultiSelectFilter';
export type { FilterOption } from './MultiSelectFilter';
export {
  isUrlFilterEmpty,
  listParam,
  useUrlFilter,
  withUrlFilter,
} from './useUrlFilter';
export type { UrlFilter } from './useUrlFilter';
export { HighlightedField, SearchResultFrame } from './SearchResultFrame';
