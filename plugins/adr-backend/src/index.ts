/**
 * The ADR backend: decision records read through the URL reader, the
 * portal-wide index, documentation coverage and search documents.
 *
 * @packageDocumentation
 */
export { adrPlugin as default } from './plugin';
