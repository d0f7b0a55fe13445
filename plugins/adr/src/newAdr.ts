import { configApiRef, useApi } from '@backstage/frontend-plugin-api';

/**
 * The scaffolder's form for a new decision record, with the entity filled in
 * (`adr.newAdrTemplate`, default `default/new-adr`).
 */
export function useNewAdrHref(entityRef: string): string {
  const config = useApi(configApiRef);
  const template =
    config.getOptionalString('adr.newAdrTemplate') ?? 'default/new-adr';
  const [namespace, name] = template.includes('/')
    ? template.split('/', 2)
    : ['default', template];
  const formData = encodeURIComponent(JSON.stringify({ entityRef }));
  return `/create/templates/${namespace}/${name}?formData=${formData}`;
}
