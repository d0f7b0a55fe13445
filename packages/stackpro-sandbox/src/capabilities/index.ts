import type { CapabilityHandler } from '@internal/stackpro-runtime';
import { AI_DEPENDENCIES, aiHandlers } from './ai';
import { BILLING_DEPENDENCIES, billingHandlers } from './billing';
import { DATALAKE_DEPENDENCIES, datalakeHandlers } from './datalake';
import { MESSAGING_DEPENDENCIES, messagingHandlers } from './messaging';

/** What the sandbox needs to serve a capability: its handlers (fresh in-memory data) and dependencies. */
export interface SandboxCapability {
  dependencies: string[];
  handlers: () => Record<string, CapabilityHandler>;
}

/** The four capabilities of seed 002. */
export const SANDBOX_CAPABILITIES: Record<string, SandboxCapability> = {
  messaging: {
    dependencies: MESSAGING_DEPENDENCIES,
    handlers: messagingHandlers,
  },
  datalake: { dependencies: DATALAKE_DEPENDENCIES, handlers: datalakeHandlers },
  ai: { dependencies: AI_DEPENDENCIES, handlers: aiHandlers },
  billing: { dependencies: BILLING_DEPENDENCIES, handlers: billingHandlers },
};
