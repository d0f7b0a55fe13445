export { ExportButton, ExportDialog } from './ExportDialog';
