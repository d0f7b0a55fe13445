export interface Config {
  /** Stack Portal's decision records and stack documentation coverage. */
  adr?: {
    /**
     * Folders (relative to the backend's working directory) that local ADR and
     * documentation locations may be read from. A `backstage.io/adr-location`
     * or `stackportal.io/docs-location` next to a `file` catalog location must
     * resolve inside one of them. Defaults to the folders of the catalog's
     * `file` locations.
     */
    localRoots?: string[];
    cache?: {
      /**
       * How long a repository location is served from the cache before it is
       * revalidated with its ETag. Local files are revalidated on every read
       * (size and modification time). Default 300.
       */
      ttlSeconds?: number;
    };
    /** Time-out for each read from a repository, in seconds. Default 10. */
    readTimeoutSeconds?: number;
    search?: {
      /** How often the search collator re-indexes decisions. Default every 10 minutes. */
      schedule?: {
        frequency?: { minutes?: number; seconds?: number };
        timeout?: { minutes?: number; seconds?: number };
        initialDelay?: { minutes?: number; seconds?: number };
      };
    };
    /**
     * The scaffolder template that the "New ADR" button opens, as
     * `namespace/name`. Default `default/new-adr`.
     * @visibility frontend
     */
    newAdrTemplate?: string;
    scaffolder?: {
      /**
       * The local repository folder (relative to the backend's working
       * directory) the `adr:create` action may write new records into, for
       * entities registered from local files. Unset: local writes are refused.
       */
      localRepository?: string;
    };
  };
}
