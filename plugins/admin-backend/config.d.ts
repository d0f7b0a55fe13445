import { HumanDuration } from '@backstage/types';

export interface Config {
  admin?: {
    impersonation?: {
      /**
       * How long a session lasts when the admin does not choose. Default 15 minutes.
       * ISO 8601 (`PT15M`) or a duration object (`{ minutes: 15 }`); prefer ISO
       * strings, as objects from several config files merge key by key.
       * @visibility frontend
       */
      defaultDuration?: HumanDuration | string;
      /**
       * The longest session an admin may choose, in whole minutes. Default 60.
       * @visibility frontend
       */
      maxMinutes?: number;
      /**
       * Let requests made while impersonating change things. Default false:
       * every mutating request is refused with 403. When true, every write
       * is audited naming both the admin and the impersonated user.
       * @visibility frontend
       */
      allowWrites?: boolean;
      /** How often sessions past their expiry are ended. Default 15 seconds. */
      expiryCheckInterval?: HumanDuration | string;
    };
  };
}
