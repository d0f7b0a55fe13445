/**
 * The local StackPro sandbox: seed 002's four capabilities served on the
 * capability runtime, with the fault knob. Tests of other plugins start it in
 * process with `StackProSandbox.start(...)`; `./portal start` runs `main.ts`.
 *
 * @packageDocumentation
 */
export {
  StackProSandbox,
  DEFAULT_CONTRACTS_DIRECTORY,
} from './StackProSandbox';
export type { StackProSandboxOptions } from './StackProSandbox';
export { SANDBOX_CAPABILITIES } from './capabilities';
export type { SandboxCapability } from './capabilities';
export { startSandboxFromConfig, flagSettings } from './sandboxFromConfig';
export type { ConfiguredSandbox } from './sandboxFromConfig';
export { startLocalMoto, findMotoServer } from './localMoto';
export type { LocalMoto } from './localMoto';
