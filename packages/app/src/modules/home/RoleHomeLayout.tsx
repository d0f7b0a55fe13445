import { Fragment } from 'react';
import { Content, Progress } from '@backstage/core-components';
import { CustomHomepageGrid } from '@backstage/plugin-home';
import { HomePageLayoutProps } from '@backstage/plugin-home-react/alpha';
import { usePermission } from '@backstage/plugin-permission-react';
import { adminConsoleReadPermission } from '@internal/backstage-plugin-admin-common';
import { auditLogEventExportPermission } from '@internal/backstage-plugin-audit-log-common';
import {
  HOME_GRID_COLUMNS,
  HOME_LAYOUTS,
  HomeLayoutItem,
  HomeRole,
} from './homeLayouts';

/**
 * The signed-in person's role as far as the home page cares: admins may read
 * the admin console, compliance staff may export the audit log. The server
 * decides what each widget may read; this only picks the layout.
 */
export function useHomeRole(): HomeRole | undefined {
  const admin = usePermission({ permission: adminConsoleReadPermission });
  const compliance = usePermission({
    permission: auditLogEventExportPermission,
  });
  if (admin.loading || compliance.loading) return undefined;
  if (admin.allowed) return 'admin';
  if (compliance.allowed) return 'compliance';
  return 'engineer';
}

/**
 * Twelve columns at every width down to a tablet's: the react-grid-layout
 * default drops to ten columns at the "md" breakpoint, which a 1440 px screen
 * with the sidebar open hits, and pushes the right-hand widget of each row
 * below its neighbour. Phones stack the widgets.
 */
const COLUMNS = {
  xl: HOME_GRID_COLUMNS,
  lg: HOME_GRID_COLUMNS,
  md: HOME_GRID_COLUMNS,
  sm: HOME_GRID_COLUMNS,
  xs: 1,
  xxs: 1,
};

const toGrid = (items: HomeLayoutItem[]) =>
  items.map(item => ({
    component: item.component,
    x: item.column,
    y: item.row,
    width: item.width,
    height: item.height,
    movable: item.movable,
    deletable: item.deletable,
    resizable: item.resizable,
  }));

/**
 * The home page: the role's default layout (or the one app-config's
 * `page:home` `defaultConfig` gives everybody), with the widgets the person
 * may rearrange and keep.
 */
export const RoleHomeLayout = ({
  widgets,
  defaultConfig,
}: HomePageLayoutProps) => {
  const role = useHomeRole();
  if (!role) {
    return (
      <Content>
        <Progress />
      </Content>
    );
  }
  const layout = defaultConfig?.length ? defaultConfig : HOME_LAYOUTS[role];
  const available = new Set(widgets.map(widget => widget.name));
  return (
    <Content>
      <div data-testid={`home-${role}`}>
        <CustomHomepageGrid
          config={toGrid(layout.filter(item => available.has(item.component)))}
          cols={COLUMNS}
        >
          {widgets.map((widget, index) => (
            <Fragment key={widget.name ?? index}>{widget.component}</Fragment>
          ))}
        </CustomHomepageGrid>
      </div>
    </Content>
  );
};
