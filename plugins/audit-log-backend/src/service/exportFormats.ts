// The export formats live with the store, which writes large exports
// straight from its rows; re-exported here for the router.
export {
  CSV_COLUMNS,
  csvCell,
  csvHeader,
  csvRow,
  ndjsonRow,
} from '@internal/backstage-plugin-audit-log-node';
