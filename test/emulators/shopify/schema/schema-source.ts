// Where the emulator's Admin GraphQL schema comes from: one file out of a pinned npm tarball.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SHOPIFY_API_VERSION } from '../../../../connectors/shopify/platform.ts';

export const ADMIN_SCHEMA_SOURCE = {
  packageName: '@shopify/dev-mcp',
  packageVersion: '1.16.0',
  tarballIntegrity: 'sha512-tqgRnK7sQhjew+htxtleTH23nXB5fZcsrhWgEkomsorGXvLOB2mh2upwZm8uzuTDNTZnqtLMe64yIwh6s2awtw==',
  apiVersion: SHOPIFY_API_VERSION,
  schemaSha256: 'f3b522f264556925eada700e795e4a002a9cba83444ebcc6c0d724254a0c6593',
} as const;

export function adminSchemaPath(): string {
  return join(dirname(fileURLToPath(import.meta.url)), `admin_${ADMIN_SCHEMA_SOURCE.apiVersion}.json.gz`);
}
