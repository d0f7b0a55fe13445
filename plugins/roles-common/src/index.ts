/**
 * Stack Portal's roles, derived from catalog group membership.
 *
 * @packageDocumentation
 */
export * from './roles';
