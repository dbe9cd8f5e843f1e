// Order files: detect the layout from the header, validate every row, and map to canonical
// orders and the customers they imply. Bad rows become `{ line, message }` errors and are skipped;
// good rows are kept. Two layouts are known:
// - `online-retail`: the UCI Online Retail columns, one row per invoice line (see online-retail.ts);
// - `canonical`: one row per order (see canonical-orders.ts).
// Column names are matched after trimming and without regard to case; extra columns are ignored.
import type { Customer, Order } from '../model.ts';
import { compareStrings } from '../instant.ts';
import { createCsvParser, type CsvChunkResult, type CsvParserOptions, type CsvRow, type RowError } from './parse-csv.ts';
import {
  ONLINE_RETAIL_COLUMNS,
  createOnlineRetailAccumulator,
  parseOnlineRetailLine,
  type OnlineRetailColumn,
} from './online-retail.ts';
import {
  CANONICAL_OPTIONAL_COLUMNS,
  CANONICAL_REQUIRED_COLUMNS,
  createCanonicalOrderAccumulator,
  parseCanonicalOrderRow,
  type CanonicalColumn,
} from './canonical-orders.ts';

export type OrderFileFormat = 'online-retail' | 'canonical';

export type FormatDetection =
  | { ok: true; format: OrderFileFormat; columns: ReadonlyMap<string, number> }
  | { ok: false; message: string };

function indexColumns(header: readonly string[]): { columns: Map<string, number>; duplicates: string[] } {
  const columns = new Map<string, number>();
  const duplicates: string[] = [];
  header.forEach((name, index) => {
    const key = name.trim().toLowerCase();
    if (key === '') return;
    if (columns.has(key)) duplicates.push(name.trim());
    else columns.set(key, index);
  });
  return { columns, duplicates };
}

function pick(columns: Map<string, number>, names: readonly string[]): Map<string, number> | null {
  const picked = new Map<string, number>();
  for (const name of names) {
    const index = columns.get(name.toLowerCase());
    if (index === undefined) return null;
    picked.set(name, index);
  }
  return picked;
}

/** Which layout a header row is, with each known column's index; or a message saying what was expected. */
export function detectOrderFileFormat(header: readonly string[]): FormatDetection {
  const { columns, duplicates } = indexColumns(header);
  if (duplicates.length > 0) return { ok: false, message: `the header repeats column(s): ${duplicates.join(', ')}` };

  const retail = pick(columns, ONLINE_RETAIL_COLUMNS);
  if (retail !== null) return { ok: true, format: 'online-retail', columns: retail };

  const canonical = pick(columns, CANONICAL_REQUIRED_COLUMNS);
  if (canonical !== null) {
    for (const name of CANONICAL_OPTIONAL_COLUMNS) {
      const index = columns.get(name);
      if (index !== undefined) canonical.set(name, index);
    }
    return { ok: true, format: 'canonical', columns: canonical };
  }

  const found = header.map((name) => name.trim()).filter((name) => name !== '');
  return {
    ok: false,
    message:
      `unrecognised order file header (${found.length === 0 ? 'no column names' : `found: ${found.join(', ')}`}). ` +
      `Expected either the Online Retail columns ${ONLINE_RETAIL_COLUMNS.join(', ')} ` +
      `or the order columns ${CANONICAL_REQUIRED_COLUMNS.join(', ')} (optional: ${CANONICAL_OPTIONAL_COLUMNS.join(', ')}).`,
  };
}

export interface OrderFileStats {
  /** Data rows read (header and blank lines not counted), good or bad. */
  rows: number;
  /** Rows (or malformed stretches of CSV) reported as errors. */
  rejected: number;
  orders: number;
  guestOrders: number;
  cancelledOrders: number;
  customers: number;
}

export interface OrderFileBatch {
  /** Orders complete after this chunk (canonical layout only; Online Retail orders come at the end). */
  orders: Order[];
  errors: RowError[];
}

export interface OrderFileResult extends OrderFileBatch {
  format: OrderFileFormat | null;
  /** The customers the file implies, sorted by id. */
  customers: Customer[];
  stats: OrderFileStats;
}

export interface OrderFileReader {
  push(chunk: string): OrderFileBatch;
  /** The remaining orders and errors, the implied customers and the totals. */
  end(): OrderFileResult;
}

export function createOrderFileReader(options: Pick<CsvParserOptions, 'maxLinesPerRow'> = {}): OrderFileReader {
  const parser = createCsvParser({ ...options, header: true });
  const retail = createOnlineRetailAccumulator();
  const canonical = createCanonicalOrderAccumulator();
  let detection: FormatDetection | null = null;
  const stats: OrderFileStats = { rows: 0, rejected: 0, orders: 0, guestOrders: 0, cancelledOrders: 0, customers: 0 };

  function count(order: Order): void {
    stats.orders += 1;
    if (order.customerId === null) stats.guestOrders += 1;
    if (order.cancelledAt !== null) stats.cancelledOrders += 1;
  }

  function handleRow(row: CsvRow, columns: ReadonlyMap<string, number>, format: OrderFileFormat, out: OrderFileBatch): void {
    const get = (name: string): string => {
      const index = columns.get(name);
      return index === undefined ? '' : (row.fields[index] ?? '');
    };
    if (format === 'online-retail') {
      const parsed = parseOnlineRetailLine((column: OnlineRetailColumn) => get(column), row.line);
      const error = parsed.ok ? retail.add(parsed.value) : parsed.error;
      if (error !== null) out.errors.push(error);
      return;
    }
    const parsed = parseCanonicalOrderRow((column: CanonicalColumn) => get(column), row.line);
    const error = parsed.ok ? canonical.add(parsed.value, row.line) : parsed.error;
    if (error !== null) out.errors.push(error);
    else if (parsed.ok) {
      count(parsed.value);
      out.orders.push(parsed.value);
    }
  }

  function handle(result: CsvChunkResult): OrderFileBatch {
    const out: OrderFileBatch = { orders: [], errors: [...result.errors] };
    stats.rejected += result.errors.length;
    const header = parser.header();
    if (header !== null && detection === null) {
      detection = detectOrderFileFormat(header);
      if (!detection.ok) out.errors.push({ line: parser.headerLine() ?? 1, message: detection.message });
    }
    if (detection === null || !detection.ok) return out;
    for (const row of result.rows) {
      stats.rows += 1;
      const before = out.errors.length;
      handleRow(row, detection.columns, detection.format, out);
      stats.rejected += out.errors.length - before;
    }
    out.errors.sort((a, b) => a.line - b.line);
    return out;
  }

  return {
    push: (chunk) => handle(parser.push(chunk)),
    end() {
      const last = handle(parser.end());
      let customers: Customer[] = [];
      let orders = last.orders;
      if (detection === null) {
        last.errors.push({ line: 1, message: 'the file is empty: expected a header row' });
      } else if (detection.ok && detection.format === 'online-retail') {
        const finished = retail.finish();
        finished.orders.forEach(count);
        orders = finished.orders;
        customers = finished.customers;
      } else if (detection.ok) {
        customers = canonical.customers();
      }
      stats.customers = customers.length;
      const format = detection !== null && detection.ok ? detection.format : null;
      return { format, orders, errors: last.errors, customers, stats: { ...stats } };
    },
  };
}

/** Read a whole order file (as one text or as chunks) and collect everything. */
export function parseOrderFile(input: string | Iterable<string>, options: Pick<CsvParserOptions, 'maxLinesPerRow'> = {}): OrderFileResult {
  const reader = createOrderFileReader(options);
  const orders: Order[] = [];
  const errors: RowError[] = [];
  for (const chunk of typeof input === 'string' ? [input] : input) {
    const batch = reader.push(chunk);
    orders.push(...batch.orders);
    errors.push(...batch.errors);
  }
  const last = reader.end();
  orders.push(...last.orders);
  errors.push(...last.errors);
  errors.sort((a, b) => a.line - b.line || compareStrings(a.message, b.message));
  return { ...last, orders, errors };
}
