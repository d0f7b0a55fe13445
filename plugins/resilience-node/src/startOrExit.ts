import { stringifyError } from '@backstage/errors';

/**
 * Starts the backend; when it cannot start (a plugin failed to initialise,
 * migrations gave up waiting), says why on stderr and exits with status 1 so
 * that an orchestrator restarts it. Backstage alone logs the failure as an
 * unhandled rejection and keeps the process up with readiness at 503 forever.
 *
 * @public
 */
export function startOrExit(backend: { start(): Promise<unknown> }): void {
  backend.start().catch(error => {
    process.stderr.write(
      `Stack Portal's backend could not start, exiting: ${stringifyError(
        error,
      )}\n`,
    );
    process.exit(1);
  });
}
