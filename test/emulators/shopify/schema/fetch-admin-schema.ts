// Takes the Shopify Admin GraphQL schema (introspection JSON) out of the pinned @shopify/dev-mcp
// tarball, after checking the tarball against its published sha512 integrity. Only the one schema
// file the app pins is kept; the package itself is never installed (it would pull ~370 MB).
// Runs on `npm ci` (postinstall) and is a no-op when the schema is already present and intact.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { extract } from 'tar';
import { ADMIN_SCHEMA_SOURCE, adminSchemaPath } from './schema-source.ts';

function sha512Integrity(bytes: Buffer): string {
  return `sha512-${createHash('sha512').update(bytes).digest('base64')}`;
}

function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export async function fetchAdminSchema(log: (line: string) => void = console.log): Promise<string> {
  const target = adminSchemaPath();
  if (existsSync(target) && sha256(readFileSync(target)) === ADMIN_SCHEMA_SOURCE.schemaSha256) {
    return target;
  }
  const work = mkdtempSync(join(tmpdir(), 'refinery-schema-'));
  try {
    const spec = `${ADMIN_SCHEMA_SOURCE.packageName}@${ADMIN_SCHEMA_SOURCE.packageVersion}`;
    log(`fetching the Admin API ${ADMIN_SCHEMA_SOURCE.apiVersion} schema from ${spec}`);
    const out = execFileSync('npm', ['pack', spec, '--pack-destination', work, '--json', '--silent'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const packed = JSON.parse(out) as Array<{ filename: string }>;
    const file = packed[0]?.filename;
    if (!file) throw new Error(`npm pack ${spec} produced no tarball`);
    const tarball = join(work, file.replace(/^@/, '').replace('/', '-'));
    const bytes = readFileSync(existsSync(tarball) ? tarball : join(work, file));
    const integrity = sha512Integrity(bytes);
    if (integrity !== ADMIN_SCHEMA_SOURCE.tarballIntegrity) {
      throw new Error(`integrity mismatch for ${spec}: expected ${ADMIN_SCHEMA_SOURCE.tarballIntegrity}, got ${integrity}`);
    }
    const member = `package/dist/data/admin_${ADMIN_SCHEMA_SOURCE.apiVersion}.json.gz`;
    await extract({ file: existsSync(tarball) ? tarball : join(work, file), cwd: work }, [member]);
    const extracted = readFileSync(join(work, member));
    if (sha256(extracted) !== ADMIN_SCHEMA_SOURCE.schemaSha256) {
      throw new Error(`schema file ${member} does not match its pinned sha256`);
    }
    const partial = `${target}.partial`;
    writeFileSync(partial, extracted);
    renameSync(partial, target);
    log(`schema saved to ${target}`);
    return target;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  fetchAdminSchema().catch((error: unknown) => {
    console.error(`could not fetch the Shopify Admin schema: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  });
}
export const schemaDir = dirname(fileURLToPath(import.meta.url));
