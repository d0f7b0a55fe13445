export { AuditFilters } from './AuditFilters';
export {
  isFilterEmpty,
  parseAuditFilter,
  useAuditFilter,
  useSelectedEvent,
} from './useAuditFilter';
