export interface Config {
  stackPortal?: {
    devSignIn?: {
      /**
       * Offer the development sign-in (pick a seeded user). Only the embedded
       * default turns it on; the backend refuses it unless this is true.
       * @visibility frontend
       */
      enabled?: boolean;
    };
  };
}
