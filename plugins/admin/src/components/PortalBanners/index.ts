export {
  PortalBanners,
  ImpersonationBanner,
  MaintenanceBanner,
  countdown,
} from './PortalBanners';
