export { StacksSummary } from './StacksSummary';
