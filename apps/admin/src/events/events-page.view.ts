/**
 * The /admin/events page: plain server-rendered HTML, every value escaped, a little script for the
 * replay button only. Narrow screens get one column (viewport meta, a flexible layout, no wide tables).
 */
import type { HistoryEventView } from '@app/persistence';

export interface EventsPageModel {
  q: string;
  events?: HistoryEventView[];
  event?: HistoryEventView;
  /** Asked for an event that the history does not hold. */
  missing?: { configId: string; eventId: string };
  /** Bull Board's page of a dead-letter entry. */
  deadLetterUrl: (id: string) => string;
}

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(value: unknown): string {
  return String(value ?? '').replace(/[&<>"']/g, (c) => ENTITIES[c]);
}

const time = (iso: string) => escapeHtml(iso.replace('T', ' ').replace(/\.\d+Z$/, 'Z'));
const badge = (outcome: string) => `<span class="badge o-${escapeHtml(outcome.replace(/[^a-z-]/g, ''))}">${escapeHtml(outcome)}</span>`;

function eventLink(q: string, e: HistoryEventView): string {
  const params = new URLSearchParams({ q, configId: e.configId, eventId: e.eventId });
  return `/admin/events?${params.toString()}`;
}

function list(model: EventsPageModel): string {
  const events = model.events ?? [];
  if (events.length === 0) return `<p class="empty">No event in the history matches <b>${escapeHtml(model.q)}</b>.</p>`;
  const items = events
    .map(
      (e) => `<li class="event"><a href="${escapeHtml(eventLink(model.q, e))}">
        <span class="when">${time(e.receivedAt)}</span> ${badge(e.outcome)}
        <span class="ids">event <b>${escapeHtml(e.eventId)}</b> · session ${escapeHtml(e.sessionId)} · customer ${escapeHtml(e.customerId ?? '–')} · ${escapeHtml(e.configId)}</span>
      </a></li>`,
    )
    .join('\n');
  return `<h2>${events.length} event(s)</h2><ul class="events" id="results">${items}</ul>`;
}

function detail(model: EventsPageModel, e: HistoryEventView): string {
  const attempts = (e.attempts ?? [])
    .map(
      (a) => `<li><span class="when">${time(a.at)}</span> attempt ${a.attempt} ${badge(a.result)}
        <span class="muted">on ${escapeHtml(a.instance)}</span>${a.detail ? `<div class="muted">${escapeHtml(a.detail)}</div>` : ''}</li>`,
    )
    .join('\n');
  const devices = (e.devices ?? [])
    .map(
      (d) => `<li class="device" data-outcome="${escapeHtml(d.outcome)}">
        <code>${escapeHtml(d.token)}</code> <span class="muted">${escapeHtml(d.platform ?? '')}</span> ${badge(d.outcome)}
        <div class="muted">${time(d.at)} · attempt ${d.attempt}${d.code ? ` · ${escapeHtml(d.code)}` : ''}${
          d.latencyMs !== null ? ` · FCM ${d.latencyMs} ms` : ''
        }${d.messageName ? ` · ${escapeHtml(d.messageName)}` : ''}</div></li>`,
    )
    .join('\n');
  const deadLetter =
    e.outcome === 'dead-lettered' && e.deadLetterId
      ? `<p class="actions"><a href="${escapeHtml(model.deadLetterUrl(e.deadLetterId))}">Dead-letter entry</a>
         <button type="button" id="replay" data-id="${escapeHtml(e.deadLetterId)}">Replay</button>
         <span id="replay-result" role="status"></span></p>`
      : '';
  return `<section class="detail" id="event">
    <h2>Event ${escapeHtml(e.eventId)} ${badge(e.outcome)}</h2>
    <dl>
      <dt>Configuration</dt><dd>${escapeHtml(e.configId)}</dd>
      <dt>Session</dt><dd>${escapeHtml(e.sessionId)}</dd>
      <dt>Customer</dt><dd>${escapeHtml(e.customerId ?? '–')}</dd>
      <dt>Conversation</dt><dd>${escapeHtml(e.conversationId ?? '–')}</dd>
      <dt>Received</dt><dd>${time(e.receivedAt)} (stored in the ${escapeHtml(e.storedIn)})</dd>
    </dl>
    ${deadLetter}
    <h3>Attempts</h3><ol class="timeline">${attempts || '<li>none recorded</li>'}</ol>
    <h3>Devices</h3><ul class="devices">${devices || '<li>no device</li>'}</ul>
  </section>`;
}

const STYLE = `
  *{box-sizing:border-box} body{font:15px/1.45 system-ui,sans-serif;margin:0;color:#1d2330;background:#f5f6f8}
  header{background:#1d2330;color:#fff;padding:.75rem 1rem;display:flex;flex-wrap:wrap;gap:.5rem 1rem;align-items:center}
  header a{color:#cfe0ff} main{max-width:60rem;margin:0 auto;padding:1rem}
  form{display:flex;gap:.5rem} input[type=search]{flex:1;min-width:0;padding:.6rem;font-size:1rem;border:1px solid #aab;border-radius:4px}
  button{padding:.6rem 1rem;font-size:1rem;border:0;border-radius:4px;background:#2f5ee0;color:#fff;cursor:pointer}
  ul,ol{padding-left:0;list-style:none} li{background:#fff;border:1px solid #dde;border-radius:4px;padding:.6rem;margin:.4rem 0;overflow-wrap:anywhere}
  .event a{color:inherit;text-decoration:none;display:block} .ids{display:block;color:#445}
  .when{font-variant-numeric:tabular-nums;color:#556} .muted{color:#667;font-size:.9em}
  .badge{display:inline-block;padding:0 .45rem;border-radius:3px;background:#dde;font-size:.85em}
  .o-delivered,.o-already-delivered{background:#cdeccf} .o-pruned{background:#f3e3b5} .o-retrying{background:#d7e4fb}
  .o-dead-lettered,.o-rejected{background:#f5c9c9} .o-no-device{background:#e4e4e4}
  dl{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem;background:#fff;padding:.6rem;border:1px solid #dde;border-radius:4px}
  dd{margin:0;overflow-wrap:anywhere} .actions{display:flex;flex-wrap:wrap;gap:.75rem;align-items:center}
  @media (max-width:600px){dl{grid-template-columns:1fr} dt{font-weight:600} form{flex-direction:column}}`;

const SCRIPT = `
  const button = document.getElementById('replay');
  if (button) button.addEventListener('click', async () => {
    const out = document.getElementById('replay-result');
    button.disabled = true;
    try {
      const res = await fetch('/admin/api/dead-letter/replay', {
        method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ids: [button.dataset.id] }),
      });
      const body = await res.json();
      out.textContent = res.ok ? (body.replayed ? 'Replayed.' : 'Not replayed: ' + ((body.skipped[0] || {}).reason || 'unknown entry')) : 'Failed: ' + (body.message || res.status);
    } catch (error) { out.textContent = 'Failed: ' + error.message; }
    button.disabled = false;
  });`;

export function renderEventsPage(model: EventsPageModel): string {
  let body = '';
  if (model.event) body += detail(model, model.event);
  else if (model.missing) body += `<p class="empty">No event <b>${escapeHtml(model.missing.eventId)}</b> of ${escapeHtml(model.missing.configId)} in the history.</p>`;
  if (model.events) body += list(model);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Delivery history · AXP push</title><style>${STYLE}</style></head>
<body><header><strong>AXP push · delivery history</strong><a href="/admin/queues">Queues</a></header>
<main>
  <form method="get" action="/admin/events" role="search">
    <input type="search" name="q" value="${escapeHtml(model.q)}" aria-label="Event id, session id, customer id or device token"
      placeholder="Event id, session id, customer id or device token" autofocus>
    <button type="submit">Search</button>
  </form>
  ${body}
</main><script>${SCRIPT}</script></body></html>`;
}
