import {
  AppRootElementBlueprint,
  createFrontendModule,
} from '@backstage/frontend-plugin-api';
import { TableWords } from './TableWords';

/** `app-root-element:app/table-words`: table cells wrap between words. */
const tableWords = AppRootElementBlueprint.make({
  name: 'table-words',
  params: { element: <TableWords /> },
});

export const layoutModule = createFrontendModule({
  pluginId: 'app',
  extensions: [tableWords],
});
