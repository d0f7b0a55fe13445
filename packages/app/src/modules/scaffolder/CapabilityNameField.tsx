import { useEffect, useState } from 'react';
import TextField from '@mui/material/TextField';
import { useApi } from '@backstage/frontend-plugin-api';
import { catalogApiRef } from '@backstage/plugin-catalog-react';
import {
  CustomFieldValidator,
  FieldExtensionComponentProps,
} from '@backstage/plugin-scaffolder-react';
import { createFormField } from '@backstage/plugin-scaffolder-react/alpha';
import { checkCapabilityName, NameCheck } from './capabilityNameCheck';

/** Typing pauses this long before the catalog is asked. */
const CHECK_DELAY_MS = 300;

/**
 * `ui:field: CapabilityName`: the New capability name, checked as one types
 * (shape, reserved words, the catalog), with the reason under the field.
 */
export function CapabilityNameField(
  props: FieldExtensionComponentProps<string>,
) {
  const {
    onChange,
    formData,
    rawErrors = [],
    required,
    disabled,
    idSchema,
    schema: { title, description },
    uiSchema,
  } = props;
  const catalogApi = useApi(catalogApiRef);
  const value = formData ?? '';
  const [check, setCheck] = useState<{ name: string; result: NameCheck }>();

  useEffect(() => {
    let current = true;
    const timer = setTimeout(
      () =>
        checkCapabilityName(catalogApi, value).then(result => {
          if (current) setCheck({ name: value, result });
        }),
      // shape and reserved words need no wait; the catalog does
      value ? CHECK_DELAY_MS : 0,
    );
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [catalogApi, value]);

  const result = check?.name === value ? check.result : undefined;
  const reason =
    result?.state === 'invalid' || result?.state === 'taken'
      ? result.reason
      : undefined;
  let helperText: string | undefined = description;
  // after Next the form lists the same reason under the field: said once
  if (reason) helperText = rawErrors.includes(reason) ? undefined : reason;
  else if (value && !result) helperText = 'Checking the catalog…';
  else if (result?.state === 'free' || result?.state === 'unchecked')
    helperText = result.message;

  return (
    <TextField
      id={idSchema?.$id}
      label={title}
      value={value}
      required={required}
      disabled={disabled}
      // only where the template asks for it (ui:autofocus), as Backstage's own fields do
      // eslint-disable-next-line jsx-a11y/no-autofocus
      autoFocus={Boolean(uiSchema?.['ui:autofocus'])}
      fullWidth
      margin="normal"
      onChange={e => onChange(e.target.value.trim() || undefined)}
      error={Boolean(reason) || rawErrors.length > 0}
      helperText={helperText}
      FormHelperTextProps={{ role: reason ? 'alert' : undefined }}
      inputProps={{ autoComplete: 'off', spellCheck: false }}
    />
  );
}

/** On Next and Review: the same check, so a taken name does not get past the form. */
export const capabilityNameValidation: CustomFieldValidator<string> = async (
  value,
  validation,
  context,
) => {
  const catalogApi = context.apiHolder.get(catalogApiRef);
  if (!value || !catalogApi) return;
  const result = await checkCapabilityName(catalogApi, value);
  if (result.state === 'invalid' || result.state === 'taken')
    validation.addError(result.reason);
};

export const capabilityNameField = createFormField({
  name: 'CapabilityName',
  component: CapabilityNameField,
  validation: capabilityNameValidation,
});
