import { targetPage } from './format';

describe('targetPage', () => {
  it('opens catalog refs on their entity page', () => {
    expect(targetPage('component:default/stackpro-messaging')).toEqual({
      kind: 'entity',
    });
    expect(targetPage('user:default/eli.martin')).toEqual({ kind: 'entity' });
  });

  it("opens a flag's dialog on the Flags page rather than a catalog 404", () => {
    expect(targetPage('feature-flag:stackpro/CAP_MESSAGING_ENABLED')).toEqual({
      kind: 'page',
      href: '/feature-flags?flag=stackpro%2FCAP_MESSAGING_ENABLED',
      label: 'CAP_MESSAGING_ENABLED',
      title: 'Flag CAP_MESSAGING_ENABLED (project stackpro) on the Flags page',
    });
  });

  it('offers no page for what has none', () => {
    expect(targetPage('2b1f0c1e-6a7e-4c55-9a1d-3f1d1e2a9b10')).toBeUndefined();
    expect(targetPage('session:default/abc')).toBeUndefined();
    expect(targetPage(undefined)).toBeUndefined();
  });
});
