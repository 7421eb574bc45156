import crypto from 'node:crypto';
import { detailOf, headline, linkOf, type NotificationEvent } from './notification-events';

/** The header a webhook's signature travels in: `sha256=<hex HMAC-SHA256 of the raw body>`, as GitHub signs. */
export const SIGNATURE_HEADER = 'x-berth-signature-256';

export function sign(secret: string, body: string): string {
  return `sha256=${crypto.createHmac('sha256', secret).update(body).digest('hex')}`;
}

/** A generic webhook: the event as JSON, with a line of text and its link, signed with the target's secret. */
export function webhookRequest(e: NotificationEvent, o: { deliveryId: string; secret: string; at: string }): { body: string; headers: Record<string, string> } {
  const { kind, app, ...data } = e;
  const body = JSON.stringify({ id: o.deliveryId, event: kind, app, at: o.at, text: headline(e), detail: detailOf(e), link: linkOf(e), data });
  return {
    body,
    headers: {
      'content-type': 'application/json', 'user-agent': 'berth-notifications',
      'x-berth-event': kind, 'x-berth-delivery': o.deliveryId, [SIGNATURE_HEADER]: sign(o.secret, body),
    },
  };
}

/** Slack's incoming-webhook body: `text` (the fallback) and blocks with a button to the link. */
export function slackRequest(e: NotificationEvent): { body: string; headers: Record<string, string> } {
  const text = headline(e);
  const detail = detailOf(e);
  const link = linkOf(e);
  const blocks: unknown[] = [{ type: 'section', text: { type: 'mrkdwn', text: slackEscape(detail ? `*${text}*\n${detail}` : `*${text}*`) } }];
  if (link) blocks.push({ type: 'actions', elements: [{ type: 'button', text: { type: 'plain_text', text: buttonText(e) }, url: link }] });
  return { body: JSON.stringify({ text: slackEscape(link ? `${text} ${link}` : text), blocks }), headers: { 'content-type': 'application/json', 'user-agent': 'berth-notifications' } };
}

/** An email: the headline as subject, the detail and link as text (and the same as simple HTML). */
export function emailMessage(e: NotificationEvent): { subject: string; text: string; html: string } {
  const subject = `[berth] ${headline(e)}`;
  const detail = detailOf(e);
  const link = linkOf(e);
  const text = [headline(e), detail, link ? `${buttonText(e)}: ${link}` : null].filter((l): l is string => l !== null).join('\n\n');
  const html = [`<p><strong>${escapeHtml(headline(e))}</strong></p>`, detail ? `<pre>${escapeHtml(detail)}</pre>` : '', link ? `<p><a href="${escapeHtml(link)}">${escapeHtml(buttonText(e))}</a></p>` : ''].join('');
  return { subject, text: `${text}\n`, html };
}

function buttonText(e: NotificationEvent): string {
  return e.kind.startsWith('deploy.') ? 'Build log' : 'Open in berth';
}

/** Slack reads &, < and > as markup. */
function slackEscape(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
