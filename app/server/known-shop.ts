// A shop named by a request (URL parameter, delivery body), checked: a well-formed myshopify domain
// (400 otherwise) that this app serves (404 otherwise). Answers the request itself when it is not.
import type { Response } from 'express';
import { assertShopDomain } from '../../connectors/shopify/admin-client.ts';
import { describeError } from '../../core/errors.ts';
import type { Store } from '../store/store.ts';

/** The shop id, or null once a 400 or 404 JSON answer has been sent. */
export async function knownShopOrAnswer(store: Store, domain: string, res: Response): Promise<string | null> {
  let shopId: string;
  try {
    shopId = assertShopDomain(domain);
  } catch (error) {
    res.status(400).json({ error: describeError(error) });
    return null;
  }
  if (!(await store.getShopSettings(shopId))) {
    res.status(404).json({ error: `unknown shop ${shopId}` });
    return null;
  }
  return shopId;
}
