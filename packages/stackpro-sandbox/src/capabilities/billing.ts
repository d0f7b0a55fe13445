import { createHash } from 'node:crypto';
import {
  CapabilityHandler,
  CapabilityRequest,
  CapabilityResponse,
  badRequest,
  conflict,
  notFound,
  paginate,
} from '@internal/stackpro-runtime';
import { TenantMap, fieldProblem, isUnavailable, newId } from './common';

/** The billing store (a DynamoDB table in AWS). */
export const BILLING_DEPENDENCIES = ['billing-store'];

/** The plans the sandbox sells, price per period in cents. */
export const PLANS: Record<string, { amount: number; description: string }> = {
  'starter-monthly': { amount: 900, description: 'Starter, monthly' },
  'pro-monthly': { amount: 4_900, description: 'Pro, monthly' },
  'enterprise-monthly': { amount: 19_900, description: 'Enterprise, monthly' },
};
/** VAT by customer country, in percent; other countries pay none. */
const TAX_PERCENT: Record<string, number> = {
  DE: 19,
  FR: 20,
  GB: 20,
  NL: 21,
  IT: 22,
  ES: 21,
};
const PERIOD_DAYS = 30;
const DAY_MS = 86_400_000;

type Rec = Record<string, any>;

/** Customers, subscriptions, invoices and usage, with idempotency keys and a buffer for usage while degraded. */
class BillingStore {
  readonly customers = new TenantMap<Rec>();
  readonly subscriptions = new TenantMap<Rec>();
  readonly invoices = new TenantMap<Rec>();
  readonly usage = new TenantMap<Rec>();
  readonly buffered = new TenantMap<Rec>();
  readonly idempotency = new TenantMap<{
    fingerprint: string;
    answer: CapabilityResponse;
  }>();
  private invoiceNumber = 0;

  get(map: TenantMap<Rec>, tenantId: string, id: string, what: string): Rec {
    const found = map.of(tenantId).get(id);
    if (!found) throw notFound(`No ${what} ${id} for tenant ${tenantId}`);
    return found;
  }

  issueInvoice(tenantId: string, subscription: Rec, customer: Rec): Rec {
    const plan = PLANS[subscription.planId];
    const subtotal = plan.amount * subscription.quantity;
    const tax = Math.round(
      (subtotal * (TAX_PERCENT[customer.address?.country] ?? 0)) / 100,
    );
    this.invoiceNumber += 1;
    const invoice = {
      id: newId('inv'),
      customerId: customer.id,
      subscriptionId: subscription.id,
      number: `SP-${new Date().getUTCFullYear()}-${String(
        this.invoiceNumber,
      ).padStart(6, '0')}`,
      status: 'open',
      currency: customer.currency,
      subtotal,
      tax,
      total: subtotal + tax,
      lines: [
        {
          description: plan.description,
          quantity: subscription.quantity,
          unitAmount: plan.amount,
          amount: subtotal,
        },
      ],
      issuedAt: new Date().toISOString(),
      dueAt: new Date(Date.now() + 14 * DAY_MS).toISOString(),
    };
    this.invoices.of(tenantId).set(invoice.id, invoice);
    return invoice;
  }

  /** Applies the usage buffered while degraded, in the order it came (called whenever the store answers). */
  applyBuffered(tenantId: string): void {
    const buffer = this.buffered.of(tenantId);
    for (const [id, record] of buffer) {
      buffer.delete(id);
      this.usage.of(tenantId).set(id, record);
    }
  }
}

/**
 * Answers a creating call once per `Idempotency-Key`: a retry with the same key
 * and body gets the first answer; the same key with another body is a 409.
 */
async function idempotent(
  db: BillingStore,
  req: CapabilityRequest,
  operation: string,
  create: () => Promise<CapabilityResponse>,
): Promise<CapabilityResponse> {
  const key = `${operation}:${req.headers['Idempotency-Key']}`;
  const fingerprint = createHash('sha256')
    .update(JSON.stringify([req.params, req.body ?? null]))
    .digest('hex');
  const earlier = db.idempotency.of(req.tenantId).get(key);
  if (earlier) {
    if (earlier.fingerprint !== fingerprint) {
      throw conflict(
        'This Idempotency-Key was already used with a different request',
        { header: 'Idempotency-Key' },
      );
    }
    return earlier.answer;
  }
  const answer = await create();
  db.idempotency.of(req.tenantId).set(key, { fingerprint, answer });
  return answer;
}

const byCreatedDesc = (a: Rec, b: Rec) =>
  (b.createdAt ?? b.issuedAt).localeCompare(a.createdAt ?? a.issuedAt);

/** The billing contract's operations over an in-memory store. */
export function billingHandlers(): Record<string, CapabilityHandler> {
  const db = new BillingStore();
  const store = <T>(req: CapabilityRequest, fn: () => T) =>
    req.use('billing-store', () => {
      db.applyBuffered(req.tenantId);
      return fn();
    });

  return {
    async listCustomers(req) {
      const { limit, cursor, email } = req.query;
      const all = await store(req, () =>
        [...db.customers.of(req.tenantId).values()]
          .filter(c => !email || c.email === email)
          .sort(byCreatedDesc),
      );
      const page = paginate(all, limit, cursor);
      return {
        status: 200,
        body: { customers: page.items, nextCursor: page.nextCursor },
      };
    },

    createCustomer: req =>
      idempotent(db, req, 'createCustomer', async () => {
        const customer = {
          id: newId('cus'),
          ...req.body,
          createdAt: new Date().toISOString(),
        };
        await store(req, () =>
          db.customers.of(req.tenantId).set(customer.id, customer),
        );
        return { status: 201, body: { customer } };
      }),

    async getCustomer(req) {
      const customer = await store(req, () =>
        db.get(db.customers, req.tenantId, req.params.customerId, 'customer'),
      );
      return { status: 200, body: { customer } };
    },

    async listSubscriptions(req) {
      const { limit, cursor, customerId, status } = req.query;
      const all = await store(req, () =>
        [...db.subscriptions.of(req.tenantId).values()]
          .filter(
            s =>
              (!customerId || s.customerId === customerId) &&
              (!status || s.status === status),
          )
          .sort(byCreatedDesc),
      );
      const page = paginate(all, limit, cursor);
      return {
        status: 200,
        body: { subscriptions: page.items, nextCursor: page.nextCursor },
      };
    },

    createSubscription: req =>
      idempotent(db, req, 'createSubscription', async () => {
        const { customerId, planId, quantity, trialDays } = req.body;
        if (!PLANS[planId]) {
          throw badRequest(
            `No plan ${planId}; the plans are ${Object.keys(PLANS).join(', ')}`,
            fieldProblem('/planId', 'is not a plan'),
          );
        }
        const subscription = await store(req, () => {
          const customer = db.get(
            db.customers,
            req.tenantId,
            customerId,
            'customer',
          );
          const now = Date.now();
          const created = {
            id: newId('sub'),
            customerId,
            planId,
            status: trialDays ? 'trialing' : 'active',
            quantity,
            currentPeriodStart: new Date(now).toISOString(),
            currentPeriodEnd: new Date(
              now + (trialDays || PERIOD_DAYS) * DAY_MS,
            ).toISOString(),
            cancelAtPeriodEnd: false,
            createdAt: new Date(now).toISOString(),
          };
          db.subscriptions.of(req.tenantId).set(created.id, created);
          if (!trialDays) db.issueInvoice(req.tenantId, created, customer);
          return created;
        });
        return { status: 201, body: { subscription } };
      }),

    async getSubscription(req) {
      const subscription = await store(req, () =>
        db.get(
          db.subscriptions,
          req.tenantId,
          req.params.subscriptionId,
          'subscription',
        ),
      );
      return { status: 200, body: { subscription } };
    },

    cancelSubscription: req =>
      idempotent(db, req, 'cancelSubscription', async () => {
        const atPeriodEnd = req.body?.atPeriodEnd ?? true;
        const subscription = await store(req, () => {
          const sub = db.get(
            db.subscriptions,
            req.tenantId,
            req.params.subscriptionId,
            'subscription',
          );
          if (sub.status === 'canceled')
            throw conflict(`Subscription ${sub.id} is already canceled`);
          if (atPeriodEnd) sub.cancelAtPeriodEnd = true;
          else
            Object.assign(sub, {
              status: 'canceled',
              canceledAt: new Date().toISOString(),
              cancelAtPeriodEnd: false,
            });
          return { ...sub };
        });
        return { status: 200, body: { subscription } };
      }),

    async listInvoices(req) {
      const { limit, cursor, customerId, status } = req.query;
      const all = await store(req, () =>
        [...db.invoices.of(req.tenantId).values()]
          .filter(
            i =>
              (!customerId || i.customerId === customerId) &&
              (!status || i.status === status),
          )
          .sort(byCreatedDesc),
      );
      const page = paginate(all, limit, cursor);
      return {
        status: 200,
        body: { invoices: page.items, nextCursor: page.nextCursor },
      };
    },

    async getInvoice(req) {
      const invoice = await store(req, () =>
        db.get(db.invoices, req.tenantId, req.params.invoiceId, 'invoice'),
      );
      return { status: 200, body: { invoice } };
    },

    async listUsageRecords(req) {
      const { limit, cursor, subscriptionId, metric, from, to } = req.query;
      const all = await store(req, () => {
        db.get(db.subscriptions, req.tenantId, subscriptionId, 'subscription');
        return [...db.usage.of(req.tenantId).values()]
          .filter(
            u =>
              u.subscriptionId === subscriptionId &&
              (!metric || u.metric === metric),
          )
          .filter(
            u => (!from || u.timestamp >= from) && (!to || u.timestamp < to),
          )
          .sort((a, b) => a.timestamp.localeCompare(b.timestamp));
      });
      const page = paginate(all, limit, cursor);
      return {
        status: 200,
        body: { usageRecords: page.items, nextCursor: page.nextCursor },
      };
    },

    createUsageRecord: req =>
      idempotent(db, req, 'createUsageRecord', async () => {
        const now = new Date().toISOString();
        const record = {
          id: newId('use'),
          action: 'increment',
          timestamp: now,
          ...req.body,
          createdAt: now,
        };
        try {
          await store(req, () => {
            const sub = db.get(
              db.subscriptions,
              req.tenantId,
              record.subscriptionId,
              'subscription',
            );
            if (sub.status === 'canceled')
              throw conflict(
                `Subscription ${sub.id} is canceled; it takes no more usage`,
              );
            db.usage.of(req.tenantId).set(record.id, record);
          });
          return { status: 201, body: { usageRecord: record } };
        } catch (error) {
          if (!isUnavailable(error)) throw error;
          // the store is degraded: buffer the usage, apply it in order once the store is back
          db.buffered.of(req.tenantId).set(record.id, record);
          return { status: 202, body: { usageRecord: record, degraded: true } };
        }
      }),
  };
}
