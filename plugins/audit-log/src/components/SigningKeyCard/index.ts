export { SigningKeyCard, CopyableBlock, verifyCommand } from './SigningKeyCard';
