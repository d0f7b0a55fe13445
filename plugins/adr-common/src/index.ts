/**
 * Decision records: the parser for MADR (v2 to v4), Nygard and the decision
 * template, the checks, the template for new records, the permission and the
 * API's types, shared by the ADR frontend, backend and scaffolder module.
 *
 * @packageDocumentation
 */
export * from './types';
export * from './parse';
export * from './check';
export * from './render';
export * from './permissions';
export * from './api';
export { plainText, scanMarkdown, sectionKey } from './markdown';
export type { MarkdownScan, MarkdownHeading, MarkdownFence } from './markdown';
