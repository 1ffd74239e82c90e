/**
 * The Solum returns decision written for the engines a merchant would pick instead, for the
 * side-by-side in npm run bench: a GoRules JDM decision graph for @gorules/zen-engine and a
 * rule set for json-rules-engine.
 *
 * The subset (documented in BENCHMARKS.md): everything policies/solum/returns.json (version 1:
 * no holiday extension, params at their documented values) needs to decide, per returned item,
 * whether it is accepted, by which rule, its refund rate and refund amount, its return-shipping
 * fees, and for the return the order-level rule, `eligible`, `returnShippingFee` and
 * `refundAmount`: the 14 order-level derived values that feed them, the 16 per-item derived
 * values, both decision tables used (partial refunds, return fees), all 18 per-item rules and
 * all 6 order-level rules, in the same first-match order, with money rounded to cents. Left
 * out: the texts of manual reviews, returnBy, refundEta (the refund-time table) and returnTo.
 * `subsetOf` cuts our decision to the same fields, and bench/engine.ts checks that all three
 * engines give the same subset on every sample before it measures anything.
 */
import { Engine } from 'json-rules-engine';
import type { RuleProperties } from 'json-rules-engine';

export interface SolumSubset {
  rule: unknown;
  eligible: unknown;
  refundAmount: unknown;
  returnShippingFee: unknown;
  items: Array<{ sku: unknown; rule: unknown; eligible: unknown; refundRate: unknown; refundAmount: unknown }>;
}

/** The fields of a Solum returns decision that the other engines compute. */
export function subsetOf(decision: Record<string, unknown>): SolumSubset {
  const items = (decision.items as Array<Record<string, unknown>>).map((i) => ({ sku: i.sku, rule: i.rule, eligible: i.eligible, refundRate: i.refundRate, refundAmount: i.refundAmount }));
  return { rule: decision.rule, eligible: decision.eligible, refundAmount: decision.refundAmount, returnShippingFee: decision.returnShippingFee, items };
}

/* ------------------------------------------------------------------------------------------ */
/* GoRules JDM: input → order-level expressions → per-item expressions (loop) → two decision   */
/* tables (loop) → per-item rules as a first-hit table (loop) → amounts (loop) → totals →      */
/* order-level rules as a first-hit table → output. Context: {order, request, now}.            */
/* ------------------------------------------------------------------------------------------ */

const at = { x: 0, y: 0 };
let ids = 0;
const id = (prefix: string) => `${prefix}-${++ids}`;
const expressions = (pairs: Array<[string, string]>) => pairs.map(([key, value]) => ({ id: id('e'), key, value }));

/** A first-hit table whose rows each test one boolean expression and set the outputs. */
function ruleTable(name: string, inputField: string | null, outputPath: string | null, outputs: string[], rows: Array<[string, ...string[]]>) {
  const input = { id: id('in'), name: 'when' };
  const outs = outputs.map((field) => ({ id: id('out'), name: field, field }));
  return {
    id: id('node'),
    name,
    type: 'decisionTableNode',
    position: at,
    content: {
      hitPolicy: 'first',
      passThrough: true,
      ...(inputField ? { executionMode: 'loop', inputField, outputPath } : {}),
      inputs: [input],
      outputs: outs,
      rules: rows.map(([when, ...values]) => ({ _id: id('row'), [input.id]: when, ...Object.fromEntries(outs.map((o, i) => [o.id, values[i]!])) })),
    },
  };
}

export function solumReturnsJdm(): object {
  ids = 0;
  const input = { id: 'request', name: 'request', type: 'inputNode', position: at };
  const orderLevel = {
    id: 'main', name: 'main', type: 'expressionNode', position: at,
    content: {
      passThrough: true,
      expressions: expressions([
        ['deliveredAt', 'order.shipping.deliveredAt'],
        ['delivered', '$.deliveredAt != null'],
        ['daysSinceDelivery', '$.delivered ? d(now).startOf("day").diff(d($.deliveredAt).startOf("day"), "day") : null'],
        ['solumError', 'request.reason in ["defective", "damaged_in_transit", "wrong_item", "missing_item"]'],
        ['arrivedDamaged', 'request.reason in ["defective", "damaged_in_transit"]'],
        // returnBy = delivery date + 30 days; past the window from the day after it.
        ['pastWindow', '$.delivered and $.daysSinceDelivery > 30'],
        ['sameCurrency', 'order.currency == "USD"'],
      ]),
    },
  };
  const lines = {
    id: 'lines', name: 'lines', type: 'expressionNode', position: at,
    content: {
      passThrough: true, executionMode: 'loop', inputField: 'request.items', outputPath: 'lines',
      expressions: expressions([
        ['orderLines', 'filter($nodes.request.order.items, #.sku == sku)'],
        ['orderLine', '$.orderLines[0]'],
        ['orderedQuantity', 'sum(map($.orderLines, #.quantity))'],
        ['requestedQuantity', 'sum(map(filter($nodes.request.request.items, #.sku == sku), #.quantity))'],
        ['category', '$.orderLine.category'],
        ['unitPrice', '$.orderLine.unitPrice'],
        ['digital', '$.category in ["software", "subscription"]'],
        ['digitalUsed', '($.category == "software" and (activated == true or condition == "used")) or ($.category == "subscription" and (accessed == true or condition == "used"))'],
        ['ticketUsed', 'supportTicketUsed == true'],
        ['shipsBack', 'not $.digital and $nodes.request.request.reason != "missing_item"'],
        ['feeApplies', '$.shipsBack and not $nodes.main.solumError'],
        ['delivered', '$nodes.main.delivered'],
        ['solumError', '$nodes.main.solumError'],
        ['arrivedDamaged', '$nodes.main.arrivedDamaged'],
        ['pastWindow', '$nodes.main.pastWindow'],
        ['daysSinceDelivery', '$nodes.main.daysSinceDelivery'],
        ['sameCurrency', '$nodes.main.sameCurrency'],
      ]),
    },
  };
  // The policy's partialRefunds table with the params it names resolved (full 1, opened etc. 0.5, support ticket blank).
  const partialRefunds = ruleTable('partialRefunds', 'lines', 'rated', ['rate'], [
    ['digitalUsed == true', '0'],
    ['ticketUsed == true', 'null'],
    ['condition in ["opened", "used", "damaged", "missing_parts"]', '0.5'],
    ['condition == "original" and pastWindow == true', '0.8'],
    ['condition == "original" and pastWindow == false', '1'],
  ]);
  // The policy's returnFees table, for items that ship back for a reason that is not Solum's error.
  const returnFees = ruleTable('returnFees', 'rated', 'feed', ['perShipment', 'perItem'], [
    ['feeApplies and category == "newton_link"', '12', '2'],
    ['feeApplies and category == "accessory"', '5', '0.25'],
    ['feeApplies and category == "demo_kit"', '20', '5'],
    ['feeApplies and category == "esl"', '0', '0'],
  ]);
  const fees = {
    id: 'fees', name: 'fees', type: 'expressionNode', position: at,
    content: {
      passThrough: true, executionMode: 'loop', inputField: 'feed', outputPath: 'priced',
      expressions: expressions([
        ['hasFee', 'perShipment != null'],
        ['feeKnown', 'sameCurrency or (perShipment == 0 and perItem == 0)'],
        ['shipmentFee', 'not $.hasFee ? 0 : $.feeKnown ? perShipment : null'],
        ['itemReturnFee', 'not $.hasFee ? 0 : $.feeKnown ? round(perItem * quantity, 2) : null'],
      ]),
    },
  };
  // The 18 per-item rules, first match; `amounts` says how the refund is set: zero, none (manual review), full, rateNoRefund, rate.
  const itemRules = ruleTable('itemRules', 'priced', 'decided', ['rule', 'eligible', 'amounts'], [
    ['orderLine == null', '"item-not-in-order"', 'false', '"zero"'],
    ['requestedQuantity > orderedQuantity', '"quantity-exceeds-order"', 'false', '"zero"'],
    ['not delivered and solumError', '"not-delivered-solum-error-review"', 'null', '"none"'],
    ['not delivered', '"not-yet-delivered"', 'false', '"zero"'],
    ['arrivedDamaged', '"arrived-damaged-or-defective"', 'true', '"full"'],
    ['solumError and not pastWindow', '"solum-error-within-window"', 'true', '"full"'],
    ['solumError', '"solum-error-past-window-review"', 'null', '"none"'],
    ['category == "software" and digitalUsed', '"software-used-or-activated"', 'false', '"rateNoRefund"'],
    ['category == "software"', '"software-not-returnable"', 'false', '"zero"'],
    ['category == "subscription" and digitalUsed', '"subscription-accessed"', 'false', '"rateNoRefund"'],
    ['pastWindow and category in ["esl", "accessory"]', '"esl-accessory-past-30-days"', 'false', '"zero"'],
    ['pastWindow and not (category in ["newton_link", "demo_kit"])', '"past-return-window"', 'false', '"zero"'],
    // params.pastWindowPartialRefundMaxDays is null in version 1: this rule never matches.
    ['pastWindow and false', '"past-window-partial-refund-limit"', 'false', '"zero"'],
    ['ticketUsed and rate == null', '"support-ticket-rate-blank"', 'null', '"none"'],
    ['ticketUsed', '"support-ticket-used"', 'true', '"rate"'],
    ['condition != "original"', '"not-original-condition"', 'true', '"rate"'],
    ['pastWindow', '"past-window-original-condition"', 'true', '"rate"'],
    ['true', '"within-return-window"', 'true', '"rate"'],
  ]);
  const amounts = {
    id: 'amounts', name: 'amounts', type: 'expressionNode', position: at,
    content: {
      passThrough: true, executionMode: 'loop', inputField: 'decided', outputPath: 'items',
      expressions: expressions([
        ['refundRate', 'amounts == "zero" ? 0 : amounts == "none" ? null : amounts == "full" ? 1 : rate'],
        ['refundAmount', 'amounts == "zero" or amounts == "rateNoRefund" ? 0 : amounts == "none" ? null : round(unitPrice * quantity * $.refundRate, 2)'],
        ['noShipping', 'amounts == "zero" or amounts == "rateNoRefund"'],
        ['shipmentFee', '$.noShipping ? 0 : shipmentFee'],
        ['itemReturnFee', '$.noShipping ? 0 : itemReturnFee'],
      ]),
    },
  };
  const totals = {
    id: 'totals', name: 'totals', type: 'expressionNode', position: at,
    content: {
      passThrough: true,
      expressions: expressions([
        ['anyReview', 'some(items, #.eligible == null)'],
        ['anyEligible', 'some(items, #.eligible == true)'],
        ['feeUnknown', 'some(items, #.shipmentFee == null)'],
        ['perShipmentFee', '$.feeUnknown ? null : max(map(items, #.shipmentFee))'],
        ['perItemFees', '$.feeUnknown ? null : sum(map(items, #.itemReturnFee))'],
        ['returnShippingFee', '$.feeUnknown ? null : round($.perShipmentFee + $.perItemFees, 2)'],
        ['itemsRefundAmount', 'sum(map(filter(items, #.refundAmount != null), #.refundAmount))'],
        ['refundAfterFee', 'round(max([0, $.itemsRefundAmount - ($.returnShippingFee ?? 0)]), 2)'],
        ['delivered', '$nodes.main.delivered'],
        ['solumError', '$nodes.main.solumError'],
      ]),
    },
  };
  const orderRules = ruleTable('orderRules', null, null, ['rule', 'eligible', 'refunds'], [
    ['anyReview', '"item-needs-manual-review"', 'null', 'false'],
    ['not delivered', '"not-yet-delivered"', 'false', 'false'],
    ['not anyEligible', '"nothing-returnable"', 'false', 'false'],
    ['feeUnknown', '"return-fee-currency-not-set"', 'null', 'false'],
    ['solumError', '"free-return-solum-error"', 'true', 'true'],
    ['true', '"refund-minus-return-fee"', 'true', 'true'],
  ]);
  const answer = {
    id: 'answer', name: 'answer', type: 'expressionNode', position: at,
    content: {
      expressions: expressions([
        ['rule', 'rule'],
        ['eligible', 'eligible'],
        ['refundAmount', 'refunds ? refundAfterFee : (rule == "not-yet-delivered" or rule == "nothing-returnable" ? 0 : null)'],
        ['returnShippingFee', 'returnShippingFee'],
        ['items', 'map(items, {sku: #.sku, rule: #.rule, eligible: #.eligible, refundRate: #.refundRate, refundAmount: #.refundAmount})'],
      ]),
    },
  };
  const output = { id: 'output', name: 'output', type: 'outputNode', position: at };
  const chain = [input, orderLevel, lines, partialRefunds, returnFees, fees, itemRules, amounts, totals, orderRules, answer, output];
  return {
    contentType: 'application/vnd.gorules.decision',
    nodes: chain,
    edges: chain.slice(1).map((node, i) => ({ id: `edge-${i}`, type: 'edge', sourceId: chain[i]!.id, targetId: node.id })),
  };
}

/** Zen drops null fields from loop outputs; the subset names every field. */
export function zenSubset(result: Record<string, unknown>): SolumSubset {
  const items = ((result.items as Array<Record<string, unknown>>) ?? []).map((i) => ({ sku: i.sku, rule: i.rule, eligible: i.eligible ?? null, refundRate: i.refundRate ?? null, refundAmount: i.refundAmount ?? null }));
  return { rule: result.rule, eligible: result.eligible ?? null, refundAmount: result.refundAmount ?? null, returnShippingFee: result.returnShippingFee ?? null, items };
}

/* ------------------------------------------------------------------------------------------ */
/* json-rules-engine: two engines (per-item rules, order-level rules), each rule with its own   */
/* priority and the engine stopped at the first success, so first match wins as in the policy.  */
/* json-rules-engine evaluates conditions only: the derived values are facts computed by the   */
/* usual fact functions, and the amounts are computed from the winning rule's event params.    */
/* ------------------------------------------------------------------------------------------ */

type Facts = Record<string, unknown>;
const DAY = 86_400_000;
const dayOf = (iso: string) => Math.floor(Date.parse(iso) / DAY);
/** Half away from zero to cents on the decimal value, like the policy's money (exact for these amounts). */
const cents = (x: number) => {
  const r = Math.round(Math.abs(x) * 100 + 1e-9) / 100;
  return x < 0 ? -r : r;
};

const is = (fact: string, value: unknown) => ({ fact, operator: 'equal', value });
const rule = (priority: number, name: string, conditions: RuleProperties['conditions'], params: Record<string, unknown>): RuleProperties =>
  ({ name, priority, conditions, event: { type: name, params } });

const ITEM_RULES: RuleProperties[] = [
  rule(18, 'item-not-in-order', { all: [is('inOrder', false)] }, { eligible: false, amounts: 'zero' }),
  rule(17, 'quantity-exceeds-order', { all: [is('quantityExceeds', true)] }, { eligible: false, amounts: 'zero' }),
  rule(16, 'not-delivered-solum-error-review', { all: [is('delivered', false), is('solumError', true)] }, { eligible: null, amounts: 'none' }),
  rule(15, 'not-yet-delivered', { all: [is('delivered', false)] }, { eligible: false, amounts: 'zero' }),
  rule(14, 'arrived-damaged-or-defective', { all: [is('arrivedDamaged', true)] }, { eligible: true, amounts: 'full' }),
  rule(13, 'solum-error-within-window', { all: [is('solumError', true), is('pastWindow', false)] }, { eligible: true, amounts: 'full' }),
  rule(12, 'solum-error-past-window-review', { all: [is('solumError', true)] }, { eligible: null, amounts: 'none' }),
  rule(11, 'software-used-or-activated', { all: [is('category', 'software'), is('digitalUsed', true)] }, { eligible: false, amounts: 'rateNoRefund' }),
  rule(10, 'software-not-returnable', { all: [is('category', 'software')] }, { eligible: false, amounts: 'zero' }),
  rule(9, 'subscription-accessed', { all: [is('category', 'subscription'), is('digitalUsed', true)] }, { eligible: false, amounts: 'rateNoRefund' }),
  rule(8, 'esl-accessory-past-30-days', { all: [is('pastWindow', true), { fact: 'category', operator: 'in', value: ['esl', 'accessory'] }] }, { eligible: false, amounts: 'zero' }),
  rule(7, 'past-return-window', { all: [is('pastWindow', true), { fact: 'category', operator: 'notIn', value: ['newton_link', 'demo_kit'] }] }, { eligible: false, amounts: 'zero' }),
  rule(6, 'past-window-partial-refund-limit', { all: [is('pastWindow', true), { fact: 'partialRefundMaxDays', operator: 'notEqual', value: null }, { fact: 'daysSinceDelivery', operator: 'greaterThan', value: { fact: 'partialRefundMaxDays' } }] }, { eligible: false, amounts: 'zero' }),
  rule(5, 'support-ticket-rate-blank', { all: [is('ticketUsed', true), is('rate', null)] }, { eligible: null, amounts: 'none' }),
  rule(4, 'support-ticket-used', { all: [is('ticketUsed', true)] }, { eligible: true, amounts: 'rate' }),
  rule(3, 'not-original-condition', { all: [{ fact: 'condition', operator: 'notEqual', value: 'original' }] }, { eligible: true, amounts: 'rate' }),
  rule(2, 'past-window-original-condition', { all: [is('pastWindow', true)] }, { eligible: true, amounts: 'rate' }),
  rule(1, 'within-return-window', { all: [{ fact: 'always', operator: 'equal', value: true }] }, { eligible: true, amounts: 'rate' }),
];

const ORDER_RULES: RuleProperties[] = [
  rule(6, 'item-needs-manual-review', { all: [is('anyReview', true)] }, { eligible: null, refund: 'none' }),
  rule(5, 'not-yet-delivered', { all: [is('delivered', false)] }, { eligible: false, refund: 'zero' }),
  rule(4, 'nothing-returnable', { all: [is('anyEligible', false)] }, { eligible: false, refund: 'zero' }),
  rule(3, 'return-fee-currency-not-set', { all: [is('feeUnknown', true)] }, { eligible: null, refund: 'none' }),
  rule(2, 'free-return-solum-error', { all: [is('solumError', true)] }, { eligible: true, refund: 'afterFee' }),
  rule(1, 'refund-minus-return-fee', { all: [{ fact: 'always', operator: 'equal', value: true }] }, { eligible: true, refund: 'afterFee' }),
];

/** The partialRefunds table with its params resolved, and the returnFees table. */
function partialRate(f: { digitalUsed: boolean; ticketUsed: boolean; condition: unknown; pastWindow: boolean }): number | null {
  if (f.digitalUsed) return 0;
  if (f.ticketUsed) return null;
  if (['opened', 'used', 'damaged', 'missing_parts'].includes(f.condition as string)) return 0.5;
  if (f.condition === 'original') return f.pastWindow ? 0.8 : 1;
  return null;
}
const RETURN_FEES: Record<string, { perShipment: number; perItem: number }> = {
  newton_link: { perShipment: 12, perItem: 2 }, accessory: { perShipment: 5, perItem: 0.25 }, demo_kit: { perShipment: 20, perItem: 5 }, esl: { perShipment: 0, perItem: 0 },
};

export function jsonRulesEngineSolum() {
  const options = { allowUndefinedFacts: true };
  const itemEngine = new Engine(ITEM_RULES, options);
  const orderEngine = new Engine(ORDER_RULES, options);
  for (const e of [itemEngine, orderEngine]) e.on('success', () => { e.stop(); });

  return async (input: { order: Facts; request: Facts }, at: string): Promise<SolumSubset> => {
    const order = input.order as { currency: string; shipping: { deliveredAt: string | null }; items: Array<{ sku: string; category: string; unitPrice: number; quantity: number }> };
    const request = input.request as { reason: string; items: Array<{ sku: string; quantity: number; condition: string; activated?: boolean; accessed?: boolean; supportTicketUsed?: boolean }> };
    const deliveredAt = order.shipping.deliveredAt;
    const delivered = deliveredAt !== null;
    const daysSinceDelivery = delivered ? dayOf(at) - dayOf(deliveredAt) : null;
    const solumError = ['defective', 'damaged_in_transit', 'wrong_item', 'missing_item'].includes(request.reason);
    const arrivedDamaged = ['defective', 'damaged_in_transit'].includes(request.reason);
    const pastWindow = delivered && daysSinceDelivery! > 30;
    const items = [];
    for (const item of request.items) {
      const orderLines = order.items.filter((l) => l.sku === item.sku);
      const orderLine = orderLines[0] ?? null;
      const category = orderLine?.category ?? null;
      const digital = category === 'software' || category === 'subscription';
      const digitalUsed = (category === 'software' && (item.activated === true || item.condition === 'used')) || (category === 'subscription' && (item.accessed === true || item.condition === 'used'));
      const ticketUsed = item.supportTicketUsed === true;
      const rate = partialRate({ digitalUsed, ticketUsed, condition: item.condition, pastWindow });
      const shipsBack = !digital && request.reason !== 'missing_item';
      const feeRow = shipsBack && !solumError ? RETURN_FEES[category ?? ''] ?? null : null;
      const feeKnown = order.currency === 'USD' || (feeRow !== null && feeRow.perShipment === 0 && feeRow.perItem === 0);
      const facts = {
        inOrder: orderLine !== null,
        quantityExceeds: request.items.filter((r) => r.sku === item.sku).reduce((s, r) => s + r.quantity, 0) > orderLines.reduce((s, l) => s + l.quantity, 0),
        delivered, solumError, arrivedDamaged, pastWindow, category, digitalUsed, ticketUsed, rate, daysSinceDelivery,
        condition: item.condition, partialRefundMaxDays: null, always: true,
      };
      const { events } = await itemEngine.run(facts);
      const { eligible, amounts } = events[0]!.params as { eligible: boolean | null; amounts: string };
      const refundRate = amounts === 'zero' ? 0 : amounts === 'none' ? null : amounts === 'full' ? 1 : rate;
      const noShipping = amounts === 'zero' || amounts === 'rateNoRefund';
      const refundAmount = noShipping ? 0 : amounts === 'none' ? null : cents(orderLine!.unitPrice * item.quantity * (refundRate as number));
      const shipmentFee = noShipping || !feeRow ? 0 : feeKnown ? feeRow.perShipment : null;
      const itemReturnFee = noShipping || !feeRow ? 0 : feeKnown ? cents(feeRow.perItem * item.quantity) : null;
      items.push({ sku: item.sku, rule: events[0]!.type, eligible, refundRate, refundAmount, shipmentFee, itemReturnFee });
    }
    const feeUnknown = items.some((i) => i.shipmentFee === null);
    const returnShippingFee = feeUnknown ? null : cents(Math.max(0, ...items.map((i) => i.shipmentFee as number)) + items.reduce((s, i) => s + (i.itemReturnFee as number), 0));
    const itemsRefundAmount = items.reduce((s, i) => s + (i.refundAmount ?? 0), 0);
    const { events } = await orderEngine.run({
      anyReview: items.some((i) => i.eligible === null), delivered, anyEligible: items.some((i) => i.eligible === true), feeUnknown, solumError, always: true,
    });
    const { eligible, refund } = events[0]!.params as { eligible: boolean | null; refund: string };
    const refundAmount = refund === 'none' ? null : refund === 'zero' ? 0 : cents(Math.max(0, itemsRefundAmount - (returnShippingFee ?? 0)));
    return {
      rule: events[0]!.type, eligible, refundAmount, returnShippingFee,
      items: items.map(({ sku, rule: r, eligible: e, refundRate, refundAmount: a }) => ({ sku, rule: r, eligible: e, refundRate, refundAmount: a })),
    };
  };
}
