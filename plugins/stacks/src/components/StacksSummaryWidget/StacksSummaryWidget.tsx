import { Link, Progress, WarningPanel } from '@backstage/core-components';
import { useApi, useRouteRef } from '@backstage/frontend-plugin-api';
import useAsync from 'react-use/esm/useAsync';
import { stacksApiRef } from '../../api';
import { rootRouteRef } from '../../routes';
import { StacksSummary } from '../StacksSummary';

/** The home page widget's body: the review summary over every stack. */
export const StacksSummaryWidgetContent = () => {
  const stacksApi = useApi(stacksApiRef);
  const { value, loading, error } = useAsync(
    () => stacksApi.getStacks(),
    [stacksApi],
  );

  if (loading) {
    return <Progress />;
  }
  if (error || !value) {
    return (
      <WarningPanel
        severity="error"
        title="Could not load the stacks summary"
        message={error?.message}
      />
    );
  }
  return <StacksSummary summary={value.summary} compact />;
};

/** The widget's footer: a link to the full overview. */
export const StacksSummaryWidgetActions = () => {
  const stacksLink = useRouteRef(rootRouteRef);
  return <Link to={stacksLink?.() ?? '/stacks'}>View all stacks</Link>;
};
