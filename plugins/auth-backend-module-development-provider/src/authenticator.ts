import { AuthenticationError, InputError } from '@backstage/errors';
import { createProxyAuthenticator } from '@backstage/plugin-auth-node';

/** The header the development sign-in sends with the chosen user's name. */
export const DEV_USER_HEADER = 'x-stack-portal-user';

export interface DevSignInResult {
  userName: string;
}

const USER_NAME = /^[a-z0-9]([a-z0-9._-]{0,61}[a-z0-9])?$/;

/**
 * Trusts the user name the sign-in page sends. Registered only when
 * `stackPortal.devSignIn.enabled` is true, which only the embedded default's
 * config says.
 */
export const devSignInAuthenticator = createProxyAuthenticator({
  defaultProfileTransform: async (result: DevSignInResult) => ({
    profile: { displayName: result.userName },
  }),
  initialize() {},
  async authenticate({ req }) {
    const userName = req.header(DEV_USER_HEADER)?.trim();
    if (!userName) {
      throw new AuthenticationError(
        `Development sign-in needs the ${DEV_USER_HEADER} header naming a catalog user`,
      );
    }
    if (!USER_NAME.test(userName)) {
      throw new InputError(`"${userName}" is not a user name`);
    }
    return { result: { userName } };
  },
});
