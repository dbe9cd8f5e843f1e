// The page HubSpot's install screen redirects to (GET /hubspot/oauth/callback, no session token).
// It checks the state, stores nothing, and hands { code, state } to the app window that opened it;
// when it cannot, it shows a one-time connection code to paste into Settings. The connection is
// made by POST /api/hubspot/oauth/complete (hubspot-connect.ts), from the shop's own session.
import { randomBytes } from 'node:crypto';
import type { Request, RequestHandler, Response } from 'express';
import { encodeConnectionCode, MAX_OAUTH_CODE_LENGTH, MAX_OAUTH_STATE_LENGTH } from '../ui/lib/oauth-connection-code.ts';
import type { HubSpotConnectDeps } from './hubspot-connect.ts';
import { OAUTH_ACK_TYPE, OAUTH_MESSAGE_TYPE, readOAuthState } from './hubspot-oauth-state.ts';
import { escapeHtml } from './ui-routes.ts';

/** How long the page waits for the app window to acknowledge before it shows the code. */
const ACK_WAIT_MS = 3000;

/** JSON safe inside a <script> element: nothing in it can close the element or start a comment. */
const scriptJson = (value: unknown) => JSON.stringify(value).replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');

/** A page of the callback: no external loads, inline script only with this response's nonce. */
function page(res: Response, status: number, title: string, text: string, script: { nonce: string; body: string } | null = null, extraHtml = ''): void {
  res.set({
    'Content-Security-Policy': `default-src 'none'; script-src ${script ? `'nonce-${script.nonce}'` : "'none'"}; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`,
    'Cache-Control': 'no-store',
    // The page's URL carries the authorization code: never send it on.
    'Referrer-Policy': 'no-referrer',
    'X-Content-Type-Options': 'nosniff',
  });
  const tail = script ? `<script nonce="${script.nonce}">${script.body}</script>` : '';
  res.status(status).type('html').send(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head><body><h1 id="title">${escapeHtml(title)}</h1><p id="text">${escapeHtml(text)}</p>${extraHtml}${tail}</body></html>`);
}

/** The connection code, hidden until the page's script finds that it cannot reach the app window. */
function connectionCodeHtml(connectionCode: string): string {
  return (
    '<div id="fallback" hidden>' +
    `<p id="instructions">${escapeHtml('Go back to Segment Refinery → Settings → HubSpot, choose "I have a connection code" and paste this code. It works once, within 10 minutes of choosing "Connect with OAuth".')}</p>` +
    '<p><label for="connection-code">Connection code</label></p>' +
    `<p><textarea id="connection-code" readonly rows="6" cols="64" spellcheck="false" autocomplete="off">${escapeHtml(connectionCode)}</textarea></p>` +
    '<p><button id="copy" type="button">Copy</button> <span id="copied" role="status"></span></p>' +
    '</div>'
  );
}

/**
 * GET /hubspot/oauth/callback: where HubSpot sends the browser after the grant, in the window the
 * app opened. Without a session token it cannot know who is looking, so it stores nothing: a valid
 * state gets a page that posts { type, code, state } (or { type, error }) to window.opener, only
 * if the opener is the app's own origin; the app window acknowledges it and completes the
 * connection through the API. Without an opener, or without an acknowledgement, the page shows the
 * connection code (code and state) to paste into Settings, which completes it the same way.
 */
export function createHubSpotOAuthCallback(deps: HubSpotConnectDeps): RequestHandler {
  const appOrigin = new URL(deps.appUrl).origin;
  return (req: Request, res: Response) => {
    const app = deps.hubspotApp;
    if (!app) return page(res, 404, 'HubSpot OAuth is not configured', 'Set HUBSPOT_CLIENT_ID and HUBSPOT_CLIENT_SECRET.');
    const param = (name: string) => {
      const value = req.query[name];
      return typeof value === 'string' ? value : '';
    };
    const code = param('code');
    const state = param('state');
    const denied = param('error');
    if (state.length > MAX_OAUTH_STATE_LENGTH || code.length > MAX_OAUTH_CODE_LENGTH || !readOAuthState(state, app.clientSecret, deps.now()) || (!code && !denied)) {
      return page(res, 400, 'HubSpot was not connected', 'The link is invalid or expired: start again from the app\'s Settings page.');
    }
    const message = code ? { type: OAUTH_MESSAGE_TYPE, code, state } : { type: OAUTH_MESSAGE_TYPE, error: denied.slice(0, 200) };
    const nonce = randomBytes(16).toString('base64');
    const body = `(function () {
  var message = ${scriptJson(message)};
  var origin = ${scriptJson(appOrigin)};
  var ackType = ${scriptJson(OAUTH_ACK_TYPE)};
  var title = document.getElementById('title');
  var text = document.getElementById('text');
  var fallback = document.getElementById('fallback');
  var field = document.getElementById('connection-code');
  var copy = document.getElementById('copy');
  var copied = document.getElementById('copied');
  var done = false;
  try { history.replaceState(null, '', location.pathname); } catch (e) {}
  function selectCode() {
    field.focus();
    field.select();
  }
  if (field && copy) {
    field.addEventListener('focus', selectCode);
    copy.addEventListener('click', function () {
      function bySelection() {
        selectCode();
        copied.textContent = 'Selected: copy it with Ctrl+C (or Cmd+C).';
      }
      if (!navigator.clipboard || !navigator.clipboard.writeText) return bySelection();
      navigator.clipboard.writeText(field.value).then(function () { copied.textContent = 'Copied.'; }, bySelection);
    });
  }
  function showCode(why) {
    if (done) return;
    done = true;
    if (!message.code || !fallback) {
      title.textContent = 'HubSpot was not connected';
      text.textContent = 'Access was not granted. Close this window and start again from the app\\'s Settings page.';
      return;
    }
    title.textContent = 'Finish connecting in the app';
    text.textContent = why;
    fallback.hidden = false;
  }
  if (!window.opener) {
    showCode('This window cannot reach the app window that opened it, so the connection is finished by pasting a code.');
    return;
  }
  window.addEventListener('message', function (event) {
    if (done || event.origin !== origin || event.source !== window.opener || !event.data || event.data.type !== ackType) return;
    done = true;
    title.textContent = 'Back to the app';
    text.textContent = 'The app completes the connection. You can close this window.';
    setTimeout(function () { window.close(); }, 500);
  });
  try {
    window.opener.postMessage(message, origin);
  } catch (e) {
    showCode('This window cannot reach the app window that opened it, so the connection is finished by pasting a code.');
    return;
  }
  if (!message.code) {
    done = true;
    title.textContent = 'HubSpot was not connected';
    text.textContent = 'Access was not granted. You can close this window.';
    setTimeout(function () { window.close(); }, 1500);
    return;
  }
  title.textContent = 'Back to the app';
  text.textContent = 'Handing the connection to the app…';
  setTimeout(function () { showCode('The app window did not answer, so the connection is finished by pasting a code.'); }, ${ACK_WAIT_MS});
})();`;
    page(res, 200, 'Connecting HubSpot', 'This page needs JavaScript: go back to the app\'s Settings page and start again.', { nonce, body }, code ? connectionCodeHtml(encodeConnectionCode({ code, state })) : '');
  };
}
