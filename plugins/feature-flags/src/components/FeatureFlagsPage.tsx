import { Content, Header, Page } from '@backstage/core-components';
import { FlagsView } from './FlagsView';

/** The Flags page: every flag by environment, the pending change requests, toggles for admins. */
export function FeatureFlagsPage() {
  return (
    <Page themeId="tool">
      <Header
        title="Feature flags"
        subtitle="Capabilities' flags per environment: toggle, target tenants, preview, approve production changes"
      />
      <Content>
        <FlagsView />
      </Content>
    </Page>
  );
}
