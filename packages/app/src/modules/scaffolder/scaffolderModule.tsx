import { createFrontendModule } from '@backstage/frontend-plugin-api';
import { FormFieldBlueprint } from '@backstage/plugin-scaffolder-react/alpha';

/**
 * `scaffolder-form-field:scaffolder/capability-name`: the New capability
 * template's name field (`ui:field: CapabilityName`), checked against the
 * catalog as one types.
 */
const capabilityName = FormFieldBlueprint.make({
  name: 'capability-name',
  params: {
    field: () =>
      import('./CapabilityNameField').then(m => m.capabilityNameField),
  },
});

export const scaffolderModule = createFrontendModule({
  pluginId: 'scaffolder',
  extensions: [capabilityName],
});
