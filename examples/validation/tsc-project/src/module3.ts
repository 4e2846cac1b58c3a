// A small module of the validation project (examples/validation/tsc.mjs).
export interface Order3 { id: number; customer: string; lines: { sku: string; quantity: number; price: number }[] }

export function total3(o: Order3): number {
  return o.lines.reduce((s, l) => s + l.quantity * l.price, 0);
}

export function byCustomer3(orders: Order3[]): Map<string, Order3[]> {
  const m = new Map<string, Order3[]>();
  for (const o of orders) m.set(o.customer, [...(m.get(o.customer) ?? []), o]);
  return m;
}

export class Ledger3<T extends { id: number }> {
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
