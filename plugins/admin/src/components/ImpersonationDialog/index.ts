export { ImpersonationDialog } from './ImpersonationDialog';
