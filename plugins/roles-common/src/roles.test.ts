import { ConfigReader } from '@backstage/config';
import { readRoleMapping, rolesOf } from './roles';

describe('roles', () => {
  const mapping = readRoleMapping(
    new ConfigReader({
      stackPortal: {
        roles: {
          admin: ['platform-admins'],
          compliance: ['group:default/compliance'],
        },
      },
    }),
  );

  it('derives roles from the groups a user is a member of', () => {
    expect(
      rolesOf(['user:default/a', 'group:default/platform-admins'], mapping),
    ).toEqual(['engineer', 'admin']);
    expect(
      rolesOf(['user:default/b', 'group:default/Compliance'], mapping),
    ).toEqual(['engineer', 'compliance']);
    expect(
      rolesOf(['user:default/c', 'group:default/team-data'], mapping),
    ).toEqual(['engineer']);
  });

  it('refuses a role name it does not know', () => {
    expect(() =>
      readRoleMapping(
        new ConfigReader({ stackPortal: { roles: { superuser: ['x'] } } }),
      ),
    ).toThrow(
      'stackPortal.roles.superuser is not a role; the roles are engineer, admin, compliance',
    );
  });
});
