import {
  Sidebar,
  SidebarDivider,
  SidebarGroup,
  SidebarItem,
  SidebarScrollWrapper,
  SidebarSpace,
} from '@backstage/core-components';
import { NavContentBlueprint } from '@backstage/plugin-app-react';
import { SidebarLogo } from './SidebarLogo';
import MenuIcon from '@material-ui/icons/Menu';
import SearchIcon from '@material-ui/icons/Search';
import { SidebarSearchModal } from '@backstage/plugin-search';
import { UserSettingsSignInAvatar } from '@backstage/plugin-user-settings';
import { NotificationsSidebarItem } from '@backstage/plugin-notifications';
import { usePermission } from '@backstage/plugin-permission-react';
import { auditLogEventReadPermission } from '@internal/backstage-plugin-audit-log-common';
import { adminConsoleReadPermission } from '@internal/backstage-plugin-admin-common';
import { ReactNode } from 'react';

/** Shows the Admin console item only to admins. */
function AdminNavItem(props: { children: ReactNode }) {
  const { allowed } = usePermission({ permission: adminConsoleReadPermission });
  return allowed ? <>{props.children}</> : null;
}

/** Shows the Compliance item only to those who may read the audit log. */
function ComplianceNavItem(props: { children: ReactNode }) {
  const { allowed } = usePermission({
    permission: auditLogEventReadPermission,
  });
  return allowed ? <>{props.children}</> : null;
}

export const SidebarContent = NavContentBlueprint.make({
  params: {
    component: ({ navItems }) => {
      const nav = navItems.withComponent(item => (
        <SidebarItem icon={() => item.icon} to={item.href} text={item.title} />
      ));

      // Skipped items
      nav.take('page:search'); // Using search modal instead
      nav.take('page:notifications'); // Using NotificationsSidebarItem manually instead
      nav.take('page:audit-log/reports'); // reached from the Compliance page

      return (
        <Sidebar>
          <SidebarLogo />
          <SidebarGroup label="Search" icon={<SearchIcon />} to="/search">
            <SidebarSearchModal />
          </SidebarGroup>
          <SidebarDivider />
          <SidebarGroup label="Menu" icon={<MenuIcon />}>
            {nav.take('page:home')}
            {nav.take('page:catalog')}
            {nav.take('page:stacks')}
            {nav.take('page:scaffolder')}
            <ComplianceNavItem>{nav.take('page:audit-log')}</ComplianceNavItem>
            <AdminNavItem>{nav.take('page:admin')}</AdminNavItem>
            <SidebarDivider />
            <SidebarScrollWrapper>
              {nav.rest({ sortBy: 'title' })}
            </SidebarScrollWrapper>
          </SidebarGroup>
          <SidebarSpace />
          <SidebarDivider />
          <NotificationsSidebarItem />
          <SidebarDivider />
          <SidebarGroup
            label="Settings"
            icon={<UserSettingsSignInAvatar />}
            to="/settings"
          >
            {nav.take('page:app-visualizer')}
            {nav.take('page:user-settings')}
          </SidebarGroup>
        </Sidebar>
      );
    },
  },
});
