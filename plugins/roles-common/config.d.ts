export interface Config {
  stackPortal?: {
    /**
     * Which catalog groups hold which role, e.g.
     * `admin: [group:default/platform-admins]`. Everybody signed in is an
     * engineer. Roles: engineer, admin, compliance, support.
     */
    roles?: {
      admin?: string[];
      compliance?: string[];
      support?: string[];
      engineer?: string[];
    };
    /**
     * Grants that override the code's: permission name to the roles that
     * may use it, e.g. `catalog.entity.delete: [admin]`.
     */
    permissions?: { [permissionName: string]: string[] };
  };
}
