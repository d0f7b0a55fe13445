export { layoutModule } from './layoutModule';
