import type { Catalog } from "./catalog.ts";
import { round5 } from "./money.ts";
import type { LineRow, PaymentRow, PlainRecord, SaleRow } from "./records.ts";
import { outletTaxRate } from "./sale_builder.ts";
import { isoUtc, isoUtcOrNull } from "./time.ts";

/** Renders a compact sale row in the API 2.0 JSON shape. */
export function renderSale(catalog: Catalog, sale: SaleRow): Record<string, unknown> {
  const outlet = catalog.outlets[sale.outletIndex];
  const register = catalog.registers[sale.registerIndex];
  const tax = catalog.taxes[catalog.outletTaxIndex[sale.outletIndex]];
  const rateId = (tax.rates as { id: string }[])[0].id;
  const rate = outletTaxRate(catalog, sale.outletIndex);
  const salespersonId = catalog.users[sale.userIndex].id;
  const lineItems = sale.lines.map((line, index) =>
    renderLineItem(catalog, line, index, { tax, rateId, rate, salespersonId })
  );
  const totals = saleTotals(lineItems);
  const invoiceNumber =
    `${register.invoice_prefix}${sale.invoiceSequence}${register.invoice_suffix}`;
  return {
    id: sale.id,
    outlet_id: outlet.id,
    register_id: register.id,
    user_id: salespersonId,
    customer_id: sale.customerIndex >= 0 ? catalog.customers[sale.customerIndex].id : null,
    invoice_number: invoiceNumber,
    invoice_sequence: sale.invoiceSequence,
    receipt_number: invoiceNumber,
    short_code: sale.shortCode,
    source: "USER",
    source_id: null,
    status: sale.status,
    note: sale.note,
    return_for: sale.returnFor,
    total_price: round5(totals.price),
    total_tax: round5(totals.tax),
    total_loyalty: round5(totals.loyalty),
    sale_date: isoUtc(sale.saleDateMs),
    created_at: isoUtc(sale.createdAtMs),
    updated_at: isoUtc(sale.updatedAtMs),
    deleted_at: isoUtcOrNull(sale.deletedAtMs),
    version: sale.version,
    taxes: [{ id: tax.id, amount: round5(totals.tax), name: tax.name, rate }],
    adjustments: [],
    line_items: lineItems,
    payments: sale.payments.map((payment) => renderPayment(catalog, payment)),
  };
}

/** What every line of one sale shares. */
interface LineContext {
  tax: PlainRecord;
  rateId: string;
  rate: number;
  salespersonId: string;
}

type RenderedLine = ReturnType<typeof renderLineItem>;

function renderLineItem(catalog: Catalog, line: LineRow, index: number, context: LineContext) {
  const { tax, rateId, rate, salespersonId } = context;
  const unitTax = round5(line.price * rate);
  const priceTotal = round5(line.price * line.quantity);
  const discountTotal = round5(line.discount * line.quantity);
  const costTotal = round5(line.cost * line.quantity);
  const taxTotal = round5(unitTax * line.quantity);
  const loyaltyTotal = round5(line.loyaltyValue * line.quantity);
  return {
    id: line.id,
    product_id: catalog.products[line.productIndex].id,
    tax_id: tax.id,
    quantity: line.quantity,
    price: line.price,
    discount: line.discount,
    cost: line.cost,
    loyalty_value: line.loyaltyValue,
    tax: unitTax,
    price_total: priceTotal,
    discount_total: discountTotal,
    cost_total: costTotal,
    tax_total: taxTotal,
    unit_price: line.price,
    unit_discount: line.discount,
    unit_cost: line.cost,
    unit_tax: unitTax,
    unit_loyalty_value: line.loyaltyValue,
    total_price: priceTotal,
    total_discount: discountTotal,
    total_cost: costTotal,
    total_tax: taxTotal,
    total_loyalty_value: loyaltyTotal,
    price_set: line.discount !== 0,
    sequence: index,
    note: line.note,
    status: line.status,
    is_return: line.quantity < 0,
    salesperson_id: salespersonId,
    tax_components: [{ rate_id: rateId, total_tax: taxTotal }],
  };
}

/** Sums the lines that count (voided ones do not), in line order, before rounding. */
function saleTotals(lines: RenderedLine[]): { price: number; tax: number; loyalty: number } {
  const totals = { price: 0, tax: 0, loyalty: 0 };
  for (const line of lines) {
    if (line.status === "VOIDED") continue;
    totals.price += line.total_price;
    totals.tax += line.total_tax;
    totals.loyalty += line.total_loyalty_value;
  }
  return totals;
}

function renderPayment(catalog: Catalog, payment: PaymentRow): Record<string, unknown> {
  const type = catalog.paymentTypes[payment.paymentTypeIndex];
  const register = catalog.registers[payment.registerIndex];
  return {
    id: payment.id,
    register_id: register.id,
    outlet_id: register.outlet_id,
    retailer_payment_type_id: type.id,
    payment_type_id: type.payment_type_id,
    name: type.name,
    amount: payment.amount,
    payment_date: isoUtc(payment.dateMs),
    external_attributes: [],
    surcharge: null,
  };
}
