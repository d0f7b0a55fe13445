import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import {
  readOnlyWhileImpersonating,
  WriteAccess,
  writeAccessApiRef,
  WRITES_ALLOWED,
} from '@internal/backstage-plugin-admin-react';
import { AuditReportsApi, auditReportsApiRef } from '../../reportsApi';
import { ProduceReportCard } from './ProduceReportCard';

function renderWith(access: WriteAccess) {
  const produceReport = jest.fn(async () => ({ id: 'r1' }));
  const api = {
    getFrameworks: async () => ({
      frameworks: [{ id: 'soc2', title: 'SOC 2', controls: [] }],
      retentionDays: 400,
    }),
    produceReport,
  } as unknown as AuditReportsApi;
  const onProduced = jest.fn();
  renderInTestApp(<ProduceReportCard onProduced={onProduced} />, {
    apis: [
      [auditReportsApiRef, api],
      [
        writeAccessApiRef,
        { getWriteAccess: () => access, watchWriteAccess: () => () => {} },
      ],
    ],
  });
  return { produceReport, onProduced };
}

describe('ProduceReportCard', () => {
  it('produces a report for the chosen period', async () => {
    const { produceReport, onProduced } = renderWith(WRITES_ALLOWED);
    await screen.findByText(/The audit log keeps 400 days/);
    await userEvent.click(
      screen.getByRole('button', { name: 'Produce report' }),
    );
    expect(produceReport).toHaveBeenCalledWith({
      framework: 'soc2',
      period: 'this-quarter',
    });
    expect(onProduced).toHaveBeenCalledWith({ id: 'r1' });
  });

  it('is disabled with the reason while an admin impersonates', async () => {
    const { produceReport } = renderWith(
      readOnlyWhileImpersonating('user:default/priya.nair'),
    );
    await screen.findByText(/The audit log keeps 400 days/);
    expect(
      screen.getByRole('button', { name: 'Produce report' }),
    ).toBeDisabled();
    await userEvent.hover(screen.getByTestId('write-blocked'));
    expect(await screen.findByRole('tooltip')).toHaveTextContent(
      'Read-only while you impersonate priya.nair',
    );
    expect(produceReport).not.toHaveBeenCalled();
  });
});
