import { createHash } from 'node:crypto';
import {
  CapabilityHandler,
  badRequest,
  notFound,
} from '@internal/stackpro-runtime';
import { fieldProblem, isUnavailable, newId } from './common';

/** The hosted models (Bedrock in AWS); the stand-ins run in the capability itself. */
export const AI_DEPENDENCIES = ['model-provider'];

interface Model {
  id: string;
  provider: string;
  kind: 'completion' | 'embedding';
  contextWindow?: number;
  dimensions?: number;
  useCases?: string[];
  status: 'available' | 'unavailable';
  isDefault: boolean;
}

const HOSTED: Model[] = [
  {
    id: 'claude-3-haiku',
    provider: 'bedrock',
    kind: 'completion',
    contextWindow: 200_000,
    useCases: ['summarise-thread', 'classify-ticket'],
    status: 'available',
    isDefault: true,
  },
  {
    id: 'claude-3-sonnet',
    provider: 'bedrock',
    kind: 'completion',
    contextWindow: 200_000,
    useCases: ['draft-reply'],
    status: 'available',
    isDefault: false,
  },
  {
    id: 'titan-embed-text-v2',
    provider: 'bedrock',
    kind: 'embedding',
    dimensions: 16,
    status: 'available',
    isDefault: true,
  },
];
/** What answers when the hosted models cannot: smaller, local, always there. */
const STAND_INS: Record<Model['kind'], Model> = {
  completion: {
    id: 'sandbox-small',
    provider: 'local',
    kind: 'completion',
    contextWindow: 8_192,
    status: 'available',
    isDefault: false,
  },
  embedding: {
    id: 'sandbox-embed-small',
    provider: 'local',
    kind: 'embedding',
    dimensions: 8,
    status: 'available',
    isDefault: false,
  },
};
const ALL = [...HOSTED, STAND_INS.completion, STAND_INS.embedding];

/** About four characters per token, as a rule of thumb. */
function tokens(text: string): number {
  return Math.ceil(text.length / 4);
}

/**
 * A deterministic completion: the first sentences of the last user message,
 * cut at `maxTokens` words. Enough for callers to build against; no model
 * weights are needed.
 */
function complete(
  messages: Array<{ role: string; content: string }>,
  maxTokens: number,
) {
  const last =
    [...messages].reverse().find(m => m.role === 'user') ??
    messages[messages.length - 1];
  const words = last.content.split(/\s+/).filter(Boolean);
  const text = words.slice(0, maxTokens).join(' ');
  return {
    content: `Summary: ${text}`,
    finishReason: words.length > maxTokens ? 'length' : 'stop',
    outputTokens: Math.min(words.length, maxTokens) + 1,
  };
}

/** A unit vector derived from the text's SHA-256: equal texts embed equally. */
function embed(text: string, dimensions: number): number[] {
  const digest = createHash('sha256').update(text).digest();
  const raw = Array.from(
    { length: dimensions },
    (_, i) => digest[i % digest.length] / 127.5 - 1,
  );
  const norm = Math.hypot(...raw) || 1;
  return raw.map(v => Math.round((v / norm) * 1e6) / 1e6);
}

/** The AI contract's operations: models, completions and embeddings, with stand-in models as the fallback. */
export function aiHandlers(): Record<string, CapabilityHandler> {
  const pick = (
    kind: Model['kind'],
    requested: string | undefined,
    useCase?: string,
  ): Model => {
    if (requested) {
      const model = ALL.find(m => m.id === requested);
      if (!model)
        throw badRequest(
          `No model ${requested}; GET /v1/models lists them`,
          fieldProblem('/model', 'is not a known model'),
        );
      if (model.kind !== kind)
        throw badRequest(
          `${requested} is a ${model.kind} model, not a ${kind} model`,
          fieldProblem('/model', `is not a ${kind} model`),
        );
      return model;
    }
    const byUseCase = useCase
      ? HOSTED.find(m => m.kind === kind && m.useCases?.includes(useCase))
      : undefined;
    return byUseCase ?? HOSTED.find(m => m.kind === kind && m.isDefault)!;
  };

  /** Runs on the chosen hosted model, or on the stand-in when the provider cannot answer. */
  async function run<T>(
    req: Parameters<CapabilityHandler>[0],
    model: Model,
    fn: (m: Model) => T,
  ) {
    if (model.provider === 'local')
      return { model, value: fn(model), degraded: false };
    try {
      return {
        model,
        value: await req.use('model-provider', () => fn(model)),
        degraded: false,
      };
    } catch (error) {
      if (!isUnavailable(error)) throw error;
      const standIn = STAND_INS[model.kind];
      return { model: standIn, value: fn(standIn), degraded: true };
    }
  }

  return {
    async listModels(req) {
      let providerUp = true;
      try {
        await req.use('model-provider', () => undefined);
      } catch (error) {
        if (!isUnavailable(error)) throw error;
        providerUp = false;
      }
      const models = ALL.filter(
        m => !req.query.kind || m.kind === req.query.kind,
      ).map(m =>
        m.provider === 'local' || providerUp
          ? m
          : { ...m, status: 'unavailable' as const },
      );
      return { status: 200, body: { models, degraded: !providerUp } };
    },

    async getModel(req) {
      const model = ALL.find(m => m.id === req.params.modelId);
      if (!model) throw notFound(`No model ${req.params.modelId}`);
      return { status: 200, body: { model } };
    },

    async createCompletion(req) {
      const { messages, maxTokens, model: requested, useCase } = req.body;
      const chosen = pick('completion', requested, useCase);
      const { model, value, degraded } = await run(req, chosen, () =>
        complete(messages, maxTokens),
      );
      const completion = {
        id: newId('cmpl'),
        model: model.id,
        message: { role: 'assistant', content: value.content },
        finishReason: value.finishReason,
        usage: {
          inputTokens: messages.reduce(
            (n: number, m: { content: string }) => n + tokens(m.content),
            0,
          ),
          outputTokens: value.outputTokens,
        },
      };
      return { status: 200, body: { completion, degraded } };
    },

    async createEmbeddings(req) {
      const { input, model: requested } = req.body;
      const chosen = pick('embedding', requested);
      const { model, value, degraded } = await run(req, chosen, m =>
        input.map((text: string, index: number) => ({
          index,
          vector: embed(text, m.dimensions!),
        })),
      );
      return {
        status: 200,
        body: {
          model: model.id,
          dimensions: model.dimensions,
          embeddings: value,
          usage: {
            inputTokens: input.reduce(
              (n: number, text: string) => n + tokens(text),
              0,
            ),
          },
          degraded,
        },
      };
    },
  };
}
