export { DefaultStacksService } from './StacksService';
export type { StacksService } from './StacksService';
