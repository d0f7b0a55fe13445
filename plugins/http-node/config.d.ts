export interface Config {
  stackPortal?: {
    errors?: {
      /**
       * Whether error responses carry the server's stack trace. Off unless set:
       * Backstage would add it whenever NODE_ENV is development, which
       * `./portal start` is. Turn it on only on a developer's own machine.
       */
      showStackTraces?: boolean;
    };
  };
}
