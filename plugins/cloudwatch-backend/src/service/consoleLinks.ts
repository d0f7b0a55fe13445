import { CloudWatchDimension } from '@internal/backstage-plugin-cloudwatch-common';
import { CloudWatchAccount } from '../aws/CloudWatchAccounts';

/**
 * Links into the AWS console's CloudWatch pages. A local CloudWatch has no
 * console, so its views have no link.
 */
function home(account: CloudWatchAccount, region = account.region) {
  if (account.endpoint) return undefined;
  return `${account.consoleBaseUrl}/cloudwatch/home?region=${encodeURIComponent(
    region,
  )}`;
}

export function metricsConsoleUrl(
  account: CloudWatchAccount,
  namespace: string,
  dimensions: CloudWatchDimension[],
): string | undefined {
  const base = home(account);
  if (!base) return undefined;
  const search = [namespace, ...dimensions.map(d => d.value)].join(' ');
  return `${base}#metricsV2:graph=~();search=${encodeURIComponent(search)}`;
}

export function alarmsConsoleUrl(
  account: CloudWatchAccount,
): string | undefined {
  const base = home(account);
  return base && `${base}#alarmsV2:`;
}

export function alarmConsoleUrl(
  account: CloudWatchAccount,
  alarmName: string,
): string | undefined {
  const base = home(account);
  return base && `${base}#alarmsV2:alarm/${encodeURIComponent(alarmName)}`;
}

export function dashboardConsoleUrl(
  account: CloudWatchAccount,
  name: string,
): string | undefined {
  const base = home(account);
  return base && `${base}#dashboards/dashboard/${encodeURIComponent(name)}`;
}
