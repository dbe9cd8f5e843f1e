// HTTP basic authentication for the operators' pages (the queue dashboard), from
// REFINERY_ADMIN_USER and REFINERY_ADMIN_PASSWORD. Without both set the pages are closed (403),
// never open. Compared in constant time.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';

const digest = (text: string) => createHash('sha256').update(text, 'utf8').digest();

export function adminAuth(credentials: { user: string; password: string } | null): RequestHandler {
  const expected = credentials ? digest(`${credentials.user}:${credentials.password}`) : null;
  return (req, res, next) => {
    if (!expected) {
      res.status(403).type('text/plain').send('The admin pages are closed: set REFINERY_ADMIN_USER and REFINERY_ADMIN_PASSWORD to open them.');
      return;
    }
    const header = req.headers.authorization ?? '';
    const match = /^Basic ([A-Za-z0-9+/=]+)$/.exec(header);
    const given = match ? Buffer.from(match[1] ?? '', 'base64').toString('utf8') : '';
    if (!match || !timingSafeEqual(digest(given), expected)) {
      res.status(401).set('WWW-Authenticate', 'Basic realm="Segment Refinery admin", charset="UTF-8"').type('text/plain').send('Authentication required.');
      return;
    }
    next();
  };
}
