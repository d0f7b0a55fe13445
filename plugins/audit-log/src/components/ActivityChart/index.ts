export { ActivityChart } from './ActivityChart';
