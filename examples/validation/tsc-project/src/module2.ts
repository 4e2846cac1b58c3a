// A small module of the validation project (examples/validation/tsc.mjs).
export interface Order2 { id: number; customer: string; lines: { sku: string; quantity: number; price: number }[] }

export function total2(o: Order2): number {
  return o.lines.reduce((s, l) => s + l.quantity * l.price, 0);
}

export function byCustomer2(orders: Order2[]): Map<string, Order2[]> {
  const m = new Map<string, Order2[]>();
  for (const o of orders) m.set(o.customer, [...(m.get(o.customer) ?? []), o]);
  return m;
}

export class Ledger2<T extends { id: number }> {
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
