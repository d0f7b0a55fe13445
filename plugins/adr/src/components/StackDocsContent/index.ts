export { StackDocsContent } from './StackDocsContent';
