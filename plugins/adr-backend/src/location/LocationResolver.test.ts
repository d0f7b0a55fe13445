import { Entity } from '@backstage/catalog-model';
import { ConfigReader } from '@backstage/config';
import { ScmIntegrations } from '@backstage/integration';
import path from 'node:path';
import { LocationResolver } from './LocationResolver';

const integrations = ScmIntegrations.fromConfig(
  new ConfigReader({
    integrations: { github: [{ host: 'github.com', token: 't' }] },
  }),
);
const resolver = LocationResolver.create({
  localRoots: ['/repo/catalog', '/repo/docs'],
  integrations,
});

const entity = (managedBy: string): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'x',
    annotations: { 'backstage.io/managed-by-location': managedBy },
  },
  spec: {},
});
const local = entity('file:/repo/catalog/smartstack/catalog-info.yaml');
const remote = entity(
  'url:https://github.com/acme/app/blob/main/catalog-info.yaml',
);
const resolve = (e: Entity, value: string) =>
  resolver.resolve(e, value, 'backstage.io/adr-location');

describe('LocationResolver', () => {
  it('resolves a folder next to a local entity file, within the allowed roots', () => {
    expect(resolve(local, 'adr')).toEqual({
      type: 'file',
      path: path.resolve('/repo/catalog/smartstack/adr'),
      root: path.resolve('/repo/catalog'),
      display: 'catalog/smartstack/adr',
      key: `file:${path.resolve('/repo/catalog/smartstack/adr')}`,
    });
    // ../ is fine while it stays in an allowed root
    expect(
      resolve(entity('file:/repo/catalog/portal.yaml'), '../docs/adr'),
    ).toMatchObject({
      display: 'docs/adr',
    });
  });

  it('refuses absolute paths and local escapes, with the reason', () => {
    expect(() => resolve(local, '/etc')).toThrow('"/etc" is an absolute path');
    expect(() => resolve(local, 'C:\\adr')).toThrow('is an absolute path');
    expect(() => resolve(local, 'file:///etc/passwd')).toThrow(
      'is an absolute path',
    );
    expect(() => resolve(local, '../../../etc')).toThrow(
      '"../../../etc" leaves the folders the portal may read (catalog, docs)',
    );
    expect(() => resolve(local, '')).toThrow('is empty');
    expect(() => resolve(entity('file:/elsewhere/x.yaml'), 'adr')).toThrow(
      'leaves the folders',
    );
  });

  it('resolves inside the repository of a URL entity and refuses what leaves it', () => {
    expect(resolve(remote, 'docs/adr')).toMatchObject({
      type: 'url',
      url: 'https://github.com/acme/app/tree/main/docs/adr',
    });
    expect(() => resolve(remote, '../../other/blob/main/adr')).toThrow(
      "leaves the entity's repository",
    );
    expect(() => resolve(remote, '../x')).toThrow(
      "leaves the entity's repository",
    );
    expect(
      resolve(local, 'https://github.com/acme/other/tree/main/adr'),
    ).toMatchObject({ type: 'url' });
    expect(() => resolve(local, 'https://evil.example/adr')).toThrow(
      'no configured integration',
    );
    expect(() => resolve(local, 'ftp://x/adr')).toThrow('not a relative path');
  });

  it('needs the entity location to resolve against', () => {
    const bare: Entity = {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: { name: 'x' },
    };
    expect(() => resolve(bare, 'adr')).toThrow(
      'has no backstage.io/managed-by-location',
    );
  });
});
