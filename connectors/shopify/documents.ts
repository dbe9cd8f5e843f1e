// Every GraphQL document the Shopify connector can send, in one place, so that one test can
// validate each against the pinned Admin schema. Field names follow the 2026-10 schema
// (email and consent on defaultEmailAddress; the deprecated Customer.email is not used).

const CUSTOMER_FIELDS = `
  id
  firstName
  lastName
  tags
  createdAt
  updatedAt
  defaultEmailAddress { emailAddress marketingState }
`;

const ORDER_FIELDS = `
  id
  name
  email
  createdAt
  processedAt
  updatedAt
  cancelledAt
  currencyCode
  customer { id }
  totalPriceSet { shopMoney { amount currencyCode } }
  totalRefundedSet { shopMoney { amount } }
  totalDiscountsSet { shopMoney { amount } }
`;

const LINE_ITEM_FIELDS = `
  id
  title
  quantity
  sku
  vendor
  originalUnitPriceSet { shopMoney { amount } }
  product { productType }
`;

/** Line items fetched inline with an order page; orders with more are completed separately. */
export const INLINE_LINE_ITEMS = 10;

export const CUSTOMERS_PAGE = `query CustomersPage($first: Int!, $after: String, $query: String) {
  customers(first: $first, after: $after, query: $query, sortKey: UPDATED_AT) {
    pageInfo { hasNextPage endCursor }
    nodes { ${CUSTOMER_FIELDS} }
  }
}`;

export const ORDERS_PAGE = `query OrdersPage($first: Int!, $after: String, $query: String) {
  orders(first: $first, after: $after, query: $query, sortKey: UPDATED_AT) {
    pageInfo { hasNextPage endCursor }
    nodes {
      ${ORDER_FIELDS}
      lineItems(first: ${INLINE_LINE_ITEMS}) {
        pageInfo { hasNextPage endCursor }
        nodes { ${LINE_ITEM_FIELDS} }
      }
    }
  }
}`;

export const ORDER_LINE_ITEMS_PAGE = `query OrderLineItems($id: ID!, $after: String) {
  order(id: $id) {
    id
    lineItems(first: 100, after: $after) {
      pageInfo { hasNextPage endCursor }
      nodes { ${LINE_ITEM_FIELDS} }
    }
  }
}`;

export const CUSTOMERS_COUNT = `query CustomersCount($query: String) {
  customersCount(query: $query) { count precision }
}`;

export const ORDERS_COUNT = `query OrdersCount($query: String) {
  ordersCount(query: $query) { count precision }
}`;

/** A search filter written into a bulk query (bulk queries take no variables). */
const filterArgument = (filter: string | undefined) => (filter ? `(query: ${JSON.stringify(filter)})` : '');

/** Inner query of a customers bulk export; no page sizes (bulk queries have no cost limit). */
export const bulkCustomersQuery = (filter?: string) => `{
  customers${filterArgument(filter)} {
    edges { node { ${CUSTOMER_FIELDS} } }
  }
}`;

/** Inner query of an orders bulk export, line items as child lines. */
export const bulkOrdersQuery = (filter?: string) => `{
  orders${filterArgument(filter)} {
    edges {
      node {
        ${ORDER_FIELDS}
        lineItems { edges { node { ${LINE_ITEM_FIELDS} } } }
      }
    }
  }
}`;

const BULK_OPERATION_FIELDS = `id status errorCode createdAt completedAt objectCount rootObjectCount fileSize url partialDataUrl`;

export const BULK_RUN_QUERY = `mutation BulkRunQuery($query: String!) {
  bulkOperationRunQuery(query: $query, groupObjects: true) {
    bulkOperation { ${BULK_OPERATION_FIELDS} }
    userErrors { field message code }
  }
}`;

export const BULK_RUN_MUTATION = `mutation BulkRunMutation($mutation: String!, $stagedUploadPath: String!, $clientIdentifier: String) {
  bulkOperationRunMutation(mutation: $mutation, stagedUploadPath: $stagedUploadPath, clientIdentifier: $clientIdentifier) {
    bulkOperation { ${BULK_OPERATION_FIELDS} }
    userErrors { field message code }
  }
}`;

export const BULK_OPERATION = `query BulkOperation($id: ID!) {
  bulkOperation(id: $id) { ${BULK_OPERATION_FIELDS} }
}`;

export const STAGED_UPLOADS_CREATE = `mutation StagedUploadsCreate($input: [StagedUploadInput!]!) {
  stagedUploadsCreate(input: $input) {
    stagedTargets { url resourceUrl parameters { name value } }
    userErrors { field message }
  }
}`;

export const TAGS_ADD = `mutation TagsAdd($id: ID!, $tags: [String!]!) {
  tagsAdd(id: $id, tags: $tags) {
    node { id }
    userErrors { field message }
  }
}`;

export const TAGS_REMOVE = `mutation TagsRemove($id: ID!, $tags: [String!]!) {
  tagsRemove(id: $id, tags: $tags) {
    node { id }
    userErrors { field message }
  }
}`;

/**
 * Both changes of one customer in one request (real-time writes): root mutation fields run one
 * after the other, so the removals free their slots before the additions. Costs what the two
 * separate mutations cost (10 points per mutation field); it saves a round trip.
 */
export const TAGS_REMOVE_AND_ADD = `mutation TagsRemoveAndAdd($id: ID!, $remove: [String!]!, $add: [String!]!) {
  tagsRemove(id: $id, tags: $remove) {
    node { id }
    userErrors { field message }
  }
  tagsAdd(id: $id, tags: $add) {
    node { id }
    userErrors { field message }
  }
}`;

const SEGMENT_FIELDS = `id name query creationDate lastEditDate`;

export const SEGMENT_CREATE = `mutation SegmentCreate($name: String!, $query: String!) {
  segmentCreate(name: $name, query: $query) {
    segment { ${SEGMENT_FIELDS} }
    userErrors { field message }
  }
}`;

export const SEGMENT_UPDATE = `mutation SegmentUpdate($id: ID!, $name: String, $query: String) {
  segmentUpdate(id: $id, name: $name, query: $query) {
    segment { ${SEGMENT_FIELDS} }
    userErrors { field message }
  }
}`;

export const SEGMENT_DELETE = `mutation SegmentDelete($id: ID!) {
  segmentDelete(id: $id) {
    deletedSegmentId
    userErrors { field message }
  }
}`;

export const SEGMENTS_PAGE = `query SegmentsPage($first: Int!, $after: String) {
  segments(first: $first, after: $after) {
    pageInfo { hasNextPage endCursor }
    nodes { ${SEGMENT_FIELDS} }
  }
}`;

/** Every operation document, by name, for schema validation. Bulk inner queries are listed too. */
// Shopify Flow: fires the app's trigger extension (extensions/flow-customer-entered-segment). The
// payload is JSON keyed by the trigger's field keys; `body` is deprecated in favour of handle + payload.
export const FLOW_TRIGGER_RECEIVE = `mutation FlowTriggerReceive($handle: String!, $payload: JSON!) {
  flowTriggerReceive(handle: $handle, payload: $payload) {
    userErrors { field message }
  }
}`;

// The web pixel (extensions/web-pixel): activated on a shop after the install with its settings (a
// JSON string matching the extension's settings definition); a shop that has the app's pixel
// already answers TAKEN, and the existing one (webPixel without an id: the app's own) is updated.
export const WEB_PIXEL_CREATE = `mutation WebPixelCreate($webPixel: WebPixelInput!) {
  webPixelCreate(webPixel: $webPixel) {
    userErrors { code field message }
    webPixel { id settings }
  }
}`;

export const WEB_PIXEL_UPDATE = `mutation WebPixelUpdate($id: ID!, $webPixel: WebPixelInput!) {
  webPixelUpdate(id: $id, webPixel: $webPixel) {
    userErrors { code field message }
    webPixel { id settings }
  }
}`;

export const WEB_PIXEL = `query WebPixel {
  webPixel { id settings }
}`;

export const ALL_DOCUMENTS: Readonly<Record<string, string>> = {
  CUSTOMERS_PAGE,
  ORDERS_PAGE,
  ORDER_LINE_ITEMS_PAGE,
  CUSTOMERS_COUNT,
  ORDERS_COUNT,
  BULK_CUSTOMERS_QUERY: bulkCustomersQuery(),
  BULK_ORDERS_QUERY: bulkOrdersQuery(),
  BULK_CUSTOMERS_SINCE_QUERY: bulkCustomersQuery("updated_at:>='2026-01-01T00:00:00.000Z'"),
  BULK_ORDERS_SINCE_QUERY: bulkOrdersQuery("updated_at:>='2026-01-01T00:00:00.000Z'"),
  BULK_RUN_QUERY,
  BULK_RUN_MUTATION,
  BULK_OPERATION,
  STAGED_UPLOADS_CREATE,
  TAGS_ADD,
  TAGS_REMOVE,
  TAGS_REMOVE_AND_ADD,
  SEGMENT_CREATE,
  SEGMENT_UPDATE,
  SEGMENT_DELETE,
  SEGMENTS_PAGE,
  FLOW_TRIGGER_RECEIVE,
  WEB_PIXEL_CREATE,
  WEB_PIXEL_UPDATE,
  WEB_PIXEL,
};
