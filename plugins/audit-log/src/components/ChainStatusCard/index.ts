export { ChainStatusCard } from './ChainStatusCard';
