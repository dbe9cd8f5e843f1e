// The UCI "Online Retail" layout: one row per invoice LINE; an order is the group of lines that
// share an InvoiceNo, and those lines may be spread across the file, so lines are grouped in an
// accumulator and the orders come out at the end.
//
// Mapping (per invoice):
// - order id = InvoiceNo; an InvoiceNo starting with `C` is a cancellation: its lines carry
//   negative quantities, and it becomes an order with cancelledAt = its date and positive amounts.
// - processedAt = the earliest InvoiceDate among its lines (written `2011-10-06 16:20:00`, UTC).
// - currency GBP; total = sum of |quantity| x UnitPrice, rounded to cents; no refunds, no discount.
// - customer = CustomerID normalised (`12923.0` -> `12923`); blank -> a guest order (null).
// - line items: title = Description trimmed (StockCode when blank), sku = StockCode.
// Line checks: every column present and parseable; Quantity a non-zero integer, negative exactly
// when the invoice is a cancellation; UnitPrice >= 0; all lines of an invoice name one customer.
import type { Customer, LineItem, Order } from '../model.ts';
import { compareStrings } from '../instant.ts';
import { impliedCustomers } from './implied-customers.ts';
import type { RowError } from './parse-csv.ts';
import { normaliseCustomerId, parseDateTime, parseDecimal, parseInteger } from './field-values.ts';

export const ONLINE_RETAIL_COLUMNS = [
  'InvoiceNo',
  'StockCode',
  'Description',
  'Quantity',
  'InvoiceDate',
  'UnitPrice',
  'CustomerID',
  'Country',
] as const;

export type OnlineRetailColumn = (typeof ONLINE_RETAIL_COLUMNS)[number];

export const ONLINE_RETAIL_CURRENCY = 'GBP';

export interface OnlineRetailLine {
  line: number;
  invoiceNo: string;
  cancellation: boolean;
  stockCode: string;
  description: string;
  /** As written: negative on cancellation lines. */
  quantity: number;
  /** ISO-8601 UTC. */
  invoicedAt: string;
  unitPrice: number;
  customerId: string | null;
  country: string;
}

export type LineResult = { ok: true; value: OnlineRetailLine } | { ok: false; error: RowError };

/** Validate and type one row; `get` returns the raw text of a column. */
export function parseOnlineRetailLine(get: (column: OnlineRetailColumn) => string, line: number): LineResult {
  const fail = (message: string): LineResult => ({ ok: false, error: { line, message } });

  const invoiceNo = get('InvoiceNo').trim();
  if (invoiceNo === '') return fail('InvoiceNo is missing');
  const cancellation = /^c/i.test(invoiceNo);
  const stockCode = get('StockCode').trim();
  if (stockCode === '') return fail('StockCode is missing');

  const quantityText = get('Quantity');
  const quantity = parseInteger(quantityText);
  if (quantity === null) return fail(`Quantity is not an integer: "${quantityText}"`);
  if (quantity === 0) return fail('Quantity is 0');
  if (cancellation && quantity > 0) return fail(`Quantity ${quantity} is positive on cancellation invoice ${invoiceNo}`);
  if (!cancellation && quantity < 0) return fail(`Quantity ${quantity} is negative on invoice ${invoiceNo}, which is not a cancellation`);

  const dateText = get('InvoiceDate');
  const invoicedAt = parseDateTime(dateText);
  if (invoicedAt === null) return fail(`InvoiceDate is not a valid date: "${dateText}"`);

  const priceText = get('UnitPrice');
  const unitPrice = parseDecimal(priceText);
  if (unitPrice === null) return fail(`UnitPrice is not a number: "${priceText}"`);
  if (unitPrice < 0) return fail(`UnitPrice is negative: ${priceText}`);

  const customerText = get('CustomerID');
  const customerId = normaliseCustomerId(customerText);
  if (customerId !== null && !/^\d+$/.test(customerId)) return fail(`CustomerID is not a number: "${customerText}"`);

  return {
    ok: true,
    value: {
      line,
      invoiceNo,
      cancellation,
      stockCode,
      description: get('Description').trim(),
      quantity,
      invoicedAt,
      unitPrice,
      customerId,
      country: get('Country').trim(),
    },
  };
}

interface Invoice {
  invoiceNo: string;
  cancellation: boolean;
  customerId: string | null;
  firstLine: number;
  firstAt: string;
  /** Sum of |quantity| x price in 1/10,000 of a currency unit, exact for prices up to 4 decimals. */
  amountTenThousandths: number;
  lineItems: LineItem[];
}

export interface OnlineRetailAccumulator {
  /** Add a validated line; returns an error (and drops the line) when it conflicts with its invoice. */
  add(line: OnlineRetailLine): RowError | null;
  /** Orders sorted by processedAt then id, and the implied customers sorted by id. */
  finish(): { orders: Order[]; customers: Customer[] };
}

export function createOnlineRetailAccumulator(): OnlineRetailAccumulator {
  const invoices = new Map<string, Invoice>();

  return {
    add(line) {
      let invoice = invoices.get(line.invoiceNo);
      if (invoice === undefined) {
        invoice = {
          invoiceNo: line.invoiceNo,
          cancellation: line.cancellation,
          customerId: line.customerId,
          firstLine: line.line,
          firstAt: line.invoicedAt,
          amountTenThousandths: 0,
          lineItems: [],
        };
        invoices.set(line.invoiceNo, invoice);
      } else if (invoice.customerId !== line.customerId) {
        const named = (id: string | null): string => (id === null ? 'no customer (guest)' : `customer ${id}`);
        return {
          line: line.line,
          message: `invoice ${line.invoiceNo} belongs to ${named(invoice.customerId)} (line ${invoice.firstLine}) but this line names ${named(line.customerId)}`,
        };
      }
      if (line.invoicedAt < invoice.firstAt) invoice.firstAt = line.invoicedAt;
      const quantity = Math.abs(line.quantity);
      invoice.amountTenThousandths += quantity * Math.round(line.unitPrice * 10_000);
      invoice.lineItems.push({
        title: line.description === '' ? line.stockCode : line.description,
        quantity,
        price: line.unitPrice,
        productType: null,
        vendor: null,
        sku: line.stockCode,
      });
      return null;
    },

    finish() {
      const orders: Order[] = [];
      const customers = new Map<string, { first: string; last: string }>();
      for (const invoice of invoices.values()) {
        orders.push({
          source: 'csv',
          id: invoice.invoiceNo,
          customerId: invoice.customerId,
          email: null,
          processedAt: invoice.firstAt,
          cancelledAt: invoice.cancellation ? invoice.firstAt : null,
          currency: ONLINE_RETAIL_CURRENCY,
          total: Math.round(invoice.amountTenThousandths / 100) / 100,
          refunded: 0,
          discount: 0,
          lineItems: invoice.lineItems,
          updatedAt: invoice.firstAt,
        });
        if (invoice.customerId !== null) {
          const seen = customers.get(invoice.customerId);
          if (seen === undefined) customers.set(invoice.customerId, { first: invoice.firstAt, last: invoice.firstAt });
          else {
            if (invoice.firstAt < seen.first) seen.first = invoice.firstAt;
            if (invoice.firstAt > seen.last) seen.last = invoice.firstAt;
          }
        }
      }
      orders.sort((a, b) => compareStrings(a.processedAt, b.processedAt) || compareStrings(a.id, b.id));
      return { orders, customers: impliedCustomers(customers) };
    },
  };
}
