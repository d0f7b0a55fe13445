import {
  AppRootElementBlueprint,
  createFrontendModule,
} from '@backstage/frontend-plugin-api';
import { CatalogTableFit } from './CatalogTableFit';
import { TableWords } from './TableWords';

/** `app-root-element:app/table-words`: table cells wrap between words. */
const tableWords = AppRootElementBlueprint.make({
  name: 'table-words',
  params: { element: <TableWords /> },
});

/** `app-root-element:app/catalog-table-fit`: the catalog's table fits its card at 1440 px. */
const catalogTableFit = AppRootElementBlueprint.make({
  name: 'catalog-table-fit',
  params: { element: <CatalogTableFit /> },
});

export const layoutModule = createFrontendModule({
  pluginId: 'app',
  extensions: [tableWords, catalogTableFit],
});
