/**
 * What several Stack Portal frontend plugins share: the multi-select filter
 * and page filters kept in the URL.
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
