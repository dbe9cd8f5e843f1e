// Lightweight source objects handed to resolvers; `__typename` drives abstract type resolution.
import type { CustomerRecord } from './customer-store.ts';

export interface CustomerRef {
  __typename: 'Customer';
  record: CustomerRecord;
}

export interface OrderRef {
  __typename: 'Order';
  index: number;
}

export interface LineItemRef {
  __typename: 'LineItem';
  order: number;
  line: number;
}

export function customerRef(record: CustomerRecord): CustomerRef {
  return { __typename: 'Customer', record };
}

export function orderRef(index: number): OrderRef {
  return { __typename: 'Order', index };
}

export function lineItemRef(order: number, line: number): LineItemRef {
  return { __typename: 'LineItem', order, line };
}
