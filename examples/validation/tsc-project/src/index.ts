// Entry of the validation project (examples/validation/tsc.mjs).
import { Ledger1, total1, type Order1 } from './module1.js';
import { byCustomer2 } from './module2.js';
import { total3 } from './module3.js';
import { Ledger4 } from './module4.js';
import { byCustomer5 } from './module5.js';
import { total6 } from './module6.js';

const orders: Order1[] = [{ id: 1, customer: 'a', lines: [{ sku: 'x', quantity: 2, price: 3 }] }];
export const summary = {
  total: total1(orders[0] as Order1) + total3(orders[0] as Order1) + total6(orders[0] as Order1),
  customers: byCustomer2(orders).size + byCustomer5(orders).size,
  ledgers: new Ledger1<Order1>().add(orders[0] as Order1).map((o) => o.id).length + new Ledger4<Order1>().map((o) => o.id).length,
};
