export interface Config {
  /** The New capability and New stack templates (plugins/scaffolder-backend-module-stackpro). */
  templates?: {
    /**
     * Folder where `publish:local-git` creates one git repository per new
     * capability or stack (the embedded default: ../../data/repositories,
     * relative to packages/backend). The catalog must read
     * `<folder>/*\/catalog-info.yaml` through a file location for
     * `catalog:register:local`. Unset: publishing locally is refused.
     */
    localRepositories?: string;
    /**
     * The flags' project for new capabilities; default featureFlags.defaultProject.
     * It must exist in the flags provider: on Unleash's open-source edition, `default`.
     */
    flagsProject?: string;
  };
}
