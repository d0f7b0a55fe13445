/**
 * For tests, this package's and other packages': a real Unleash server (the
 * `unleash-server` package) in a child process on a fresh PostgreSQL
 * database, with the admin and client tokens it is started with. Not part of
 * the plugin.
 *
 * @packageDocumentation
 */
export {
  ADMIN_TOKEN,
  CLIENT_TOKEN,
  UnleashTestServer,
} from './UnleashTestServer';
