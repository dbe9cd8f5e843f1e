// Growable typed-array columns and a string intern table: the compact storage behind the order
// store, so a million orders with their line items stay in a few hundred megabytes.

const INITIAL_CAPACITY = 1024;

export class F64Column {
  data = new Float64Array(INITIAL_CAPACITY);
  length = 0;

  push(value: number): number {
    if (this.length === this.data.length) {
      const next = new Float64Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length] = value;
    return this.length++;
  }

  get(index: number): number {
    return this.data[index] ?? Number.NaN;
  }

  set(index: number, value: number): void {
    this.data[index] = value;
  }
}

export class U32Column {
  data = new Uint32Array(INITIAL_CAPACITY);
  length = 0;

  push(value: number): number {
    if (this.length === this.data.length) {
      const next = new Uint32Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length] = value;
    return this.length++;
  }

  get(index: number): number {
    return this.data[index] ?? 0;
  }

  set(index: number, value: number): void {
    this.data[index] = value;
  }
}

/** Interns strings to small integers; index 0 stands for null. */
export class StringTable {
  private readonly ids = new Map<string, number>();
  private readonly values: string[] = [''];

  intern(value: string | null | undefined): number {
    if (value == null) return 0;
    const known = this.ids.get(value);
    if (known !== undefined) return known;
    const id = this.values.length;
    this.values.push(value);
    this.ids.set(value, id);
    return id;
  }

  get(id: number): string | null {
    if (id === 0) return null;
    return this.values[id] ?? null;
  }
}

/** Whole seconds, as Shopify's DateTime values carry no fractions. */
export function parseTimestamp(value: string | null | undefined): number {
  if (value == null) return Number.NaN;
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw new Error(`Invalid timestamp: ${value}`);
  return Math.floor(ms / 1000) * 1000;
}

export function formatTimestamp(ms: number): string | null {
  if (Number.isNaN(ms)) return null;
  return `${new Date(ms).toISOString().slice(0, 19)}Z`;
}

export function nowSeconds(): number {
  return Math.floor(Date.now() / 1000) * 1000;
}
