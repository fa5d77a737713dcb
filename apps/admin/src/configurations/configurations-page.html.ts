/**
 * The admin page's configurations view: a static page whose script calls /admin/api/configurations
 * (same origin, the browser's basic-auth credentials). It shows fingerprints only; a new API key
 * is shown once, in the page, right after it is created.
 */
export const CONFIGURATIONS_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>AXP push: configurations</title>
<style>
  body { font: 14px system-ui, sans-serif; margin: 2rem; color: #222; }
  table { border-collapse: collapse; margin-bottom: 1.5rem; }
  th, td { border: 1px solid #ccc; padding: .35rem .6rem; text-align: left; vertical-align: top; }
  code { background: #f4f4f4; padding: 0 .2rem; }
  form { margin: 1rem 0; display: flex; gap: .5rem; flex-wrap: wrap; align-items: center; }
  #message { min-height: 1.4rem; font-weight: 600; }
  .error { color: #b00020; }
</style>
</head>
<body>
<h1>AXP configurations</h1>
<p><a href="/admin/queues">Queues</a></p>
<div id="message" role="status"></div>
<table id="configurations">
  <thead><tr><th>Id</th><th>Name</th><th>Source</th><th>FCM project</th><th>Secrets</th><th>API keys</th><th>Actions</th></tr></thead>
  <tbody></tbody>
</table>
<h2>Create or replace a configuration</h2>
<form id="create">
  <input name="id" placeholder="configuration id" required aria-label="configuration id">
  <input name="name" placeholder="name" aria-label="name">
  <input name="secret" type="password" placeholder="AXP secret" required aria-label="AXP secret">
  <input name="projectId" placeholder="FCM project id" aria-label="FCM project id">
  <button type="submit">Save configuration</button>
</form>
<script>
const message = document.getElementById('message');
const say = (text, error) => { message.textContent = text; message.className = error ? 'error' : ''; };
const call = async (method, path, body) => {
  const response = await fetch('/admin/api/configurations' + path, {
    method, headers: body ? { 'content-type': 'application/json' } : {}, body: body ? JSON.stringify(body) : undefined,
  });
  const data = response.status === 204 ? null : await response.json();
  if (!response.ok) throw new Error((data && data.message) || ('HTTP ' + response.status));
  return data;
};
const cell = (row, text) => { const td = row.insertCell(); td.textContent = text; return td; };
const button = (td, label, action) => {
  const b = document.createElement('button'); b.textContent = label; b.type = 'button';
  b.addEventListener('click', () => action().catch((e) => say(e.message, true))); td.append(b, ' ');
};
async function load() {
  const list = await call('GET', '');
  const body = document.querySelector('#configurations tbody');
  body.replaceChildren();
  for (const c of list) {
    const row = body.insertRow();
    row.dataset.id = c.id;
    cell(row, c.id); cell(row, c.name || ''); cell(row, c.readOnly ? c.source + ' (read-only)' : c.source);
    cell(row, c.fcm.projectId || '');
    cell(row, c.secrets.map((s) => s.fingerprint).join(', '));
    cell(row, c.apiKeys.map((k) => k.fingerprint + ' (' + k.kind + ')').join(', '));
    const actions = row.insertCell();
    if (c.readOnly) continue;
    button(actions, 'Add secret', async () => {
      const secret = prompt('New AXP secret for ' + c.id); if (!secret) return;
      await call('POST', '/' + encodeURIComponent(c.id) + '/secrets', { secret });
      say('Secret added to ' + c.id + ': remove the old one once AXP uses the new one'); await load();
    });
    for (const s of c.secrets) button(actions, 'Remove secret ' + s.fingerprint, async () => {
      await call('DELETE', '/' + encodeURIComponent(c.id) + '/secrets/' + s.fingerprint); say('Secret ' + s.fingerprint + ' removed'); await load();
    });
    button(actions, 'Create key', async () => {
      const created = await call('POST', '/' + encodeURIComponent(c.id) + '/api-keys', { kind: 'server' });
      await load();
      say('New API key for ' + c.id + ' (shown once): ' + created.key);
    });
    button(actions, 'Delete', async () => {
      if (!confirm('Delete configuration ' + c.id + '?')) return;
      await call('DELETE', '/' + encodeURIComponent(c.id)); say(c.id + ' deleted'); await load();
    });
  }
}
document.getElementById('create').addEventListener('submit', async (event) => {
  event.preventDefault();
  const f = new FormData(event.target);
  const body = { secrets: [f.get('secret')], fcm: f.get('projectId') ? { projectId: f.get('projectId') } : {} };
  if (f.get('name')) body.name = f.get('name');
  try {
    await call('PUT', '/' + encodeURIComponent(f.get('id')), body);
    event.target.reset(); await load(); say('Configuration saved');
  } catch (e) { say(e.message, true); }
});
load().catch((e) => say(e.message, true));
</script>
</body>
</html>
`;
