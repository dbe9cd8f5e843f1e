// `refinery secrets rotate`: re-seals every stored secret (Shopify and HubSpot tokens in the shops'
// settings, Shopify session tokens) with the current key, the first of REFINERY_ENCRYPTION_KEYS.
// Idempotent: a second run re-seals nothing. See app/store/secrets.md.
import { RefineryError } from '../../../core/errors.ts';
import type { CliContext } from '../context.ts';

export async function secretsCommand(ctx: CliContext, positionals: string[], flags: { json?: boolean }): Promise<number> {
  const [action, ...rest] = positionals;
  if (action !== 'rotate' || rest.length > 0) throw new RefineryError('INPUT', 'usage: refinery secrets rotate [--json]');
  const report = await ctx.store.reencryptSecrets();
  if (flags.json) {
    ctx.out(JSON.stringify(report, null, 2));
    return 0;
  }
  ctx.out(`re-encrypted ${report.reencrypted} secret(s) with key "${report.keyId}" (looked at ${report.shops} shop settings and ${report.sessions} Shopify sessions)`);
  if (report.reencrypted === 0) ctx.out('every secret was already sealed with the current key');
  return 0;
}
