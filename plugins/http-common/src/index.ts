/**
 * What every Stack Portal API client shares: a failed response becomes an
 * error whose message is the server's own ("You may not approve your own
 * change request"), not "Request failed with 403 Forbidden".
 *
 * @packageDocumentation
 */
export { responseErrorOf } from './responseError';
