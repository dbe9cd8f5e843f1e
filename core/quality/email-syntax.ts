// A reasonable, documented syntax check for email addresses: what a shop can actually send to.
// Not RFC 5322 in full (quoted local parts, comments and IP literals are legal there and useless
// here), and no DNS lookup (core/ does no I/O). The email is first normalised as identity does
// (trimmed, lower-cased). Valid when:
// - the whole address is at most 254 characters, with exactly one "@";
// - the local part is 1-64 characters of a-z 0-9 and ! # $ % & ' * + / = ? ^ _ ` { | } ~ - .,
//   with no dot first, last or twice in a row;
// - the domain has at least two labels separated by dots (no "localhost"), each 1-63
//   characters of a-z 0-9 and "-", not starting or ending with "-"; the last label (top-level
//   domain) has at least 2 characters and is not all digits (no bare IP addresses).
// Non-ASCII addresses (internationalised local parts, Unicode domains not in punycode "xn--"
// form) count as invalid: most sending tools reject them too.
import { normaliseEmail } from '../identity.ts';

const LOCAL = /^[a-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/;
const LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
const DIGITS = /^[0-9]+$/;

/** True when the (raw) email passes the syntax check above; false for null or blank. */
export function isValidEmailSyntax(email: string | null | undefined): boolean {
  const normalised = normaliseEmail(email);
  if (normalised === null || normalised.length > 254) return false;
  const at = normalised.indexOf('@');
  if (at <= 0 || at !== normalised.lastIndexOf('@')) return false;
  const local = normalised.slice(0, at);
  const domain = normalised.slice(at + 1);
  if (local.length > 64 || !LOCAL.test(local)) return false;
  if (domain.length === 0 || domain.length > 253) return false;
  const labels = domain.split('.');
  if (labels.length < 2) return false;
  for (const label of labels) if (!LABEL.test(label)) return false;
  const tld = labels[labels.length - 1] as string;
  return tld.length >= 2 && !DIGITS.test(tld);
}
