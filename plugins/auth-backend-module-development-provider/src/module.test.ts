import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import request from 'supertest';
import authPlugin from '@backstage/plugin-auth-backend';
import { authModuleDevelopmentProvider } from './module';

const entities: Entity[] = [
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'User',
    metadata: { name: 'amara.okafor' },
    spec: {
      profile: { displayName: 'Amara Okafor' },
      memberOf: ['platform-admins'],
    },
    relations: [
      { type: 'memberOf', targetRef: 'group:default/platform-admins' },
    ],
  },
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'User',
    metadata: { name: 'eli.martin' },
    spec: {
      profile: { displayName: 'Eli Martin' },
      memberOf: ['team-identity'],
    },
    relations: [{ type: 'memberOf', targetRef: 'group:default/team-identity' }],
  },
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Group',
    metadata: { name: 'platform-admins' },
    spec: {
      type: 'team',
      profile: { displayName: 'Platform Admins' },
      children: [],
    },
  },
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Group',
    metadata: { name: 'team-identity' },
    spec: { type: 'team', profile: { displayName: 'Identity' }, children: [] },
  },
];

function startBackend(enabled: boolean) {
  return startTestBackend({
    features: [
      authPlugin,
      authModuleDevelopmentProvider,
      catalogServiceMock.factory({ entities }),
      mockServices.rootConfig.factory({
        data: {
          app: { baseUrl: 'http://localhost:3000' },
          auth: { providers: { development: {} } },
          stackPortal: {
            devSignIn: { enabled },
            roles: { admin: ['group:default/platform-admins'] },
          },
        },
      }),
    ],
  });
}

function claimsOf(token: string) {
  return JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString());
}

describe('development sign-in', () => {
  it('issues a real token with the chosen user and their groups', async () => {
    const { server } = await startBackend(true);
    const res = await request(server)
      .get('/api/auth/development/refresh')
      .set('x-stack-portal-user', 'eli.martin');

    expect(res.status).toBe(200);
    expect(res.body.backstageIdentity.identity).toEqual({
      type: 'user',
      userEntityRef: 'user:default/eli.martin',
      ownershipEntityRefs: [
        'user:default/eli.martin',
        'group:default/team-identity',
      ],
    });
    expect(claimsOf(res.body.backstageIdentity.token).sub).toBe(
      'user:default/eli.martin',
    );
  });

  it('lists the users with their teams and roles for the sign-in page', async () => {
    const { server } = await startBackend(true);
    const res = await request(server).get('/api/auth/dev-sign-in/users');

    expect(res.status).toBe(200);
    expect(res.body.users).toEqual([
      {
        name: 'amara.okafor',
        displayName: 'Amara Okafor',
        teams: ['Platform Admins'],
        roles: ['engineer', 'admin'],
      },
      {
        name: 'eli.martin',
        displayName: 'Eli Martin',
        teams: ['Identity'],
        roles: ['engineer'],
      },
    ]);
  });

  it('refuses a user the catalog does not know, and a missing header', async () => {
    const { server } = await startBackend(true);
    const unknown = await request(server)
      .get('/api/auth/development/refresh')
      .set('x-stack-portal-user', 'mallory');
    expect(unknown.status).toBeGreaterThanOrEqual(400);
    expect(unknown.status).toBeLessThan(500);

    const missing = await request(server).get('/api/auth/development/refresh');
    expect(missing.status).toBe(401);
    expect(missing.body.error.message).toContain('x-stack-portal-user');
  });

  it('is refused unless development config enables it', async () => {
    const { server } = await startBackend(false);
    const res = await request(server)
      .get('/api/auth/development/refresh')
      .set('x-stack-portal-user', 'eli.martin');
    expect(res.status).toBe(404);
    const users = await request(server).get('/api/auth/dev-sign-in/users');
    expect(users.status).not.toBe(200);
  });
});
