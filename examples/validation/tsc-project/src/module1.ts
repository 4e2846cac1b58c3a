// A small module of the validation project (examples/validation/tsc.mjs).
export interface Order1 { id: number; customer: string; lines: { sku: string; quantity: number; price: number }[] }

export function total1(o: Order1): number {
  return o.lines.reduce((s, l) => s + l.quantity * l.price, 0);
}

export function byCustomer1(orders: Order1[]): Map<string, Order1[]> {
  const m = new Map<string, Order1[]>();
  for (const o of orders) m.set(o.customer, [...(m.get(o.customer) ?? []), o]);
  return m;
}

export class Ledger1<T extends { id: number }> {
  readonly #items = new Map<number, T>();
  add(item: T): this {
    this.#items.set(item.id, item);
    return this;
  }
  get(id: number): T | undefined {
    return this.#items.get(id);
  }
  map<U>(f: (t: T) => U): U[] {
    return [...this.#items.values()].map(f);
  }
}
