// Every document the connector can send must validate against the real Admin schema it pins.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { buildClientSchema, parse, validate, type IntrospectionQuery } from 'graphql';
import { adminSchemaPath } from '../../test/emulators/shopify/schema/schema-source.ts';
import { ALL_DOCUMENTS } from './documents.ts';

const introspection = JSON.parse(gunzipSync(readFileSync(adminSchemaPath())).toString('utf8')) as { data: IntrospectionQuery };
const schema = buildClientSchema(introspection.data);

for (const [name, document] of Object.entries(ALL_DOCUMENTS)) {
  test(`${name} validates against the Admin ${schema.getQueryType()?.name ?? ''} schema`, () => {
    const errors = validate(schema, parse(document));
    assert.deepEqual(errors.map((e) => e.message), []);
  });
}

test('the check itself rejects a field the schema does not have', () => {
  const errors = validate(schema, parse('{ customers(first: 1) { nodes { id favouriteColour } } }'));
  assert.equal(errors.length, 1);
  assert.match(errors[0]?.message ?? '', /favouriteColour/);
});

test('the deprecated Customer.email is not used', () => {
  for (const document of Object.values(ALL_DOCUMENTS)) {
    assert.doesNotMatch(document, /emailMarketingConsent/);
  }
});
