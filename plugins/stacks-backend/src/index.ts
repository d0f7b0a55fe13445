export { stacksPlugin as default } from './plugin';
