import { createApp } from '@backstage/frontend-defaults';
import catalogPlugin from '@backstage/plugin-catalog/alpha';
import { catalogModule } from './modules/catalog';
import { navModule } from './modules/nav';
import { homeModule } from './modules/home';
import { layoutModule } from './modules/layout';
import { scaffolderModule } from './modules/scaffolder';
import { signInModule } from './modules/signIn';

export default createApp({
  features: [
    catalogPlugin,
    catalogModule,
    navModule,
    homeModule,
    layoutModule,
    scaffolderModule,
    signInModule,
  ],
});
