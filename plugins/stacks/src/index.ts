/**
 * The stacks overview, the Stack entity card and the Stacks summary home page widget.
 *
 * @packageDocumentation
 */
export { stacksPlugin as default } from './plugin';
export { stacksApiRef, StacksClient } from './api';
export type { StacksApi } from './api';
