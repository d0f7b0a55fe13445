import { useEffect, useRef, useState } from 'react';
import { useApi } from '@backstage/frontend-plugin-api';
import {
  ImpersonationSession,
  MaintenanceState,
} from '@internal/backstage-plugin-admin-common';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import GlobalStyles from '@mui/material/GlobalStyles';
import Typography from '@mui/material/Typography';
import VisibilityIcon from '@mui/icons-material/Visibility';
import ConstructionIcon from '@mui/icons-material/Construction';
import { adminApiRef } from '../../api';
import { forgetImpersonation, rememberedImpersonation } from '../../identity';
import { loadPage } from '../../navigation';
import { onMaintenanceAnnounced } from './maintenanceSignal';

const POLL_MS = 15_000;

/** `mm:ss` (or `h:mm:ss`) until a time, never negative. */
export function countdown(until: string, now: number): string {
  const total = Math.max(0, Math.ceil((Date.parse(until) - now) / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const pad = (n: number) => String(n).padStart(2, '0');
  return h ? `${h}:${pad(m)}:${pad(s)}` : `${pad(m)}:${pad(s)}`;
}

let leaving = false;

/** Forget the session and load the admin console as yourself (once). */
function backToYourself() {
  forgetImpersonation();
  if (!leaving) {
    leaving = true;
    loadPage('/admin');
  }
}

function useNow(active: boolean) {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    if (!active) return undefined;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [active]);
  return now;
}

/** The impersonation banner: who, why, how long, and the way out. */
export const ImpersonationBanner = () => {
  const adminApi = useApi(adminApiRef);
  const [session, setSession] = useState<ImpersonationSession>();
  const [stopping, setStopping] = useState(false);
  const [error, setError] = useState<string>();
  const remembered = rememberedImpersonation();
  const now = useNow(Boolean(session));

  useEffect(() => {
    if (!remembered) return undefined;
    let cancelled = false;
    const load = () =>
      adminApi.getCurrentImpersonation().then(
        current => {
          if (cancelled) return;
          if (!current || current.status !== 'active') {
            backToYourself();
            return;
          }
          setSession(current);
        },
        () => {
          // the server refuses the token: the session ended
          if (!cancelled) backToYourself();
        },
      );
    load();
    const timer = setInterval(load, POLL_MS);
    return () => {
      cancelled = true;
      clearInterval(timer);
    };
    // poll once per remembered session
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [adminApi, remembered?.sessionId]);

  useEffect(() => {
    if (session && Date.parse(session.expiresAt) <= now) {
      backToYourself();
    }
  }, [session, now]);

  if (!session) return null;

  const stop = async () => {
    setStopping(true);
    try {
      await adminApi.stopImpersonation();
      backToYourself();
    } catch (e) {
      setStopping(false);
      setError((e as Error).message);
    }
  };

  return (
    <Box
      role="status"
      aria-label="Impersonation banner"
      data-testid="impersonation-banner"
      sx={{
        px: 2,
        py: 1,
        display: 'flex',
        alignItems: 'center',
        gap: 2,
        flexWrap: 'wrap',
        bgcolor: 'warning.main',
        color: 'warning.contrastText',
      }}
    >
      <VisibilityIcon />
      <Typography variant="body2" sx={{ flex: 1, minWidth: 240 }}>
        <strong>You are impersonating {session.targetRef}</strong>
        {session.allowWrites ? ' (writes allowed and audited)' : ' (read-only)'}
        . Reason: “{session.reason}”
        {session.ticket ? ` (ticket ${session.ticket})` : ''}. Ends in{' '}
        <strong data-testid="impersonation-countdown">
          {countdown(session.expiresAt, now)}
        </strong>
        {error ? ` — could not stop: ${error}` : ''}
      </Typography>
      <Button
        variant="contained"
        color="inherit"
        onClick={stop}
        disabled={stopping}
        sx={{ color: 'text.primary' }}
      >
        {stopping ? 'Stopping…' : 'Stop impersonating'}
      </Button>
    </Box>
  );
};

/** The maintenance message on every page while maintenance mode is on. */
export const MaintenanceBanner = () => {
  const adminApi = useApi(adminApiRef);
  const [state, setState] = useState<MaintenanceState>();

  useEffect(() => {
    let cancelled = false;
    const load = () =>
      adminApi.getMaintenance().then(
        current => !cancelled && setState(current),
        () => undefined,
      );
    load();
    const timer = setInterval(load, POLL_MS * 2);
    // the admin who switches it sees the change at once
    const unsubscribe = onMaintenanceAnnounced(announced => {
      if (!cancelled) setState(announced);
    });
    return () => {
      cancelled = true;
      clearInterval(timer);
      unsubscribe();
    };
  }, [adminApi]);

  if (!state?.enabled) return null;
  return (
    <Box
      role="alert"
      data-testid="maintenance-banner"
      sx={{
        px: 2,
        py: 1,
        display: 'flex',
        alignItems: 'center',
        gap: 1.5,
        bgcolor: 'info.main',
        color: 'info.contrastText',
      }}
    >
      <ConstructionIcon />
      <Typography variant="body2">
        <strong>Maintenance:</strong> {state.message} Changes are paused;
        reading works.
      </Typography>
    </Box>
  );
};

/**
 * Both banners, on every page, in one strip fixed at the top of the window:
 * the page and the sidebar start below it (by its measured height), so it
 * covers neither the sidebar nor a page's header.
 */
export const PortalBanners = () => {
  const strip = useRef<HTMLDivElement>(null);
  const [height, setHeight] = useState(0);
  useEffect(() => {
    const element = strip.current;
    if (!element) return undefined;
    const measure = () => setHeight(element.offsetHeight);
    measure();
    if (typeof ResizeObserver === 'undefined') return undefined;
    const observer = new ResizeObserver(measure);
    observer.observe(element);
    return () => observer.disconnect();
  }, []);
  return (
    <>
      {height > 0 && (
        <GlobalStyles
          styles={{
            body: { paddingTop: height },
            // the sidebar is fixed at the top of the window: start it below the strip
            '[data-testid="sidebar-root"]': { top: `${height}px !important` },
          }}
        />
      )}
      <Box
        ref={strip}
        data-testid="portal-banners"
        sx={{
          position: 'fixed',
          top: 0,
          left: 0,
          right: 0,
          zIndex: 1400,
          boxShadow: height > 0 ? 3 : 0,
        }}
      >
        <ImpersonationBanner />
        <MaintenanceBanner />
      </Box>
    </>
  );
};
