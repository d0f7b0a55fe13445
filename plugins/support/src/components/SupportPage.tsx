import Tab from '@mui/material/Tab';
import Tabs from '@mui/material/Tabs';
import { Content, Header, Page } from '@backstage/core-components';
import { Route, Routes, useSearchParams } from 'react-router-dom';
import { MyTicketsView } from './MyTicketsView';
import { QueueView } from './QueueView';
import { TicketPage } from './TicketPage';

const Lists = () => {
  const [params, setParams] = useSearchParams();
  const tab = params.get('tab') === 'queue' ? 'queue' : 'mine';
  return (
    <Page themeId="tool">
      <Header
        title="Support"
        subtitle="Tickets on the catalog's stacks, capabilities and services"
      />
      <Content>
        <Tabs
          value={tab}
          onChange={(_, v) => setParams({ tab: v })}
          sx={{ mb: 2 }}
        >
          <Tab value="mine" label="My tickets" />
          <Tab value="queue" label="Queue" />
        </Tabs>
        {tab === 'queue' ? <QueueView /> : <MyTicketsView />}
      </Content>
    </Page>
  );
};

/** `/support`: My tickets and queues; `/support/tickets/:id`: one ticket. */
export const SupportPage = () => (
  <Routes>
    <Route path="/" element={<Lists />} />
    <Route path="/tickets/:id" element={<TicketPage />} />
  </Routes>
);
