export { AdminPage, AdminAccessRefusal } from './AdminPage';
