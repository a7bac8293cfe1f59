// The admin page: plain DOM, no framework, no inline script (the server's CSP forbids it). Everything shown
// comes from the JSON API; received messages stream in over /api/events and are caught up with
// /api/messages?since=… whenever the stream (re)connects, so nothing is missed or shown twice.
/* global document, EventSource, FileReader */

const $ = (selector) => document.querySelector(selector);

/** Builds an element; strings become text nodes, so message text can never inject markup. */
function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined) continue;
    if (key === 'class') node.className = value;
    else node.setAttribute(key, String(value));
  }
  node.append(...children.filter((c) => c !== undefined && c !== null));
  return node;
}

function say(text, isError = false) {
  const status = $('#status');
  status.textContent = text;
  status.classList.toggle('error', isError);
}

async function api(path, body) {
  const init =
    body === undefined
      ? {}
      : { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
  const res = await fetch(path, init);
  const data = await res.json().catch(() => ({}));
  if (!res.ok) throw new Error(data.error ?? `${res.status} ${res.statusText}`);
  return data;
}

/** Runs an action from a button or form, reporting its outcome in the status line. */
async function act(what, action) {
  try {
    const done = await action();
    say(done ?? `${what}: done`);
    scheduleRefresh();
  } catch (err) {
    say(`${what} failed: ${err.message}`, true);
  }
}

// ---- state: phones, devices, contacts ----------------------------------------------------------------------

let state = { accounts: [], contacts: [], connections: 0 };
const digits = (e164) => e164.replace(/^\+/, '');
const label = (p) => (p.name ? `${p.name} (${p.e164})` : p.e164);

function fillSelect(select, groups) {
  const previous = select.value;
  select.replaceChildren(
    ...groups
      .filter((g) => g.people.length)
      .map((g) =>
        el('optgroup', { label: g.label }, ...g.people.map((p) => el('option', { value: p.e164 }, label(p)))),
      ),
  );
  if ([...select.options].some((o) => o.value === previous)) select.value = previous;
}

const cell = (text, cls) => el('td', { class: cls }, text);
const plural = (n, word) => `${n} ${word}${n === 1 ? '' : 's'}`;

function renderAccounts() {
  const box = $('#accounts');
  if (!state.accounts.length) return box.replaceChildren(el('p', { class: 'empty' }, 'No phones yet.'));
  const headings = ['Phone', 'LID', 'Device', 'Platform', 'State', 'Queued', 'Logins'];
  const rows = state.accounts.flatMap((a) => {
    const id = digits(a.e164);
    const logins = String(a.loginAttempts);
    if (!a.devices.length) {
      const cells = [label(a), a.lid, '—', '', 'no linked devices', '', logins];
      return [el('tr', { 'data-testid': `sim-account-${id}` }, ...cells.map((c) => cell(c)))];
    }
    return a.devices.map((d, i) =>
      el(
        'tr',
        { 'data-testid': `sim-device-${id}-${d.device}` },
        cell(i ? '' : label(a)),
        cell(i ? '' : a.lid, 'mono'),
        cell(String(d.device)),
        cell(d.platform || '?'),
        cell(d.connected ? 'connected' : 'offline', d.connected ? 'ok' : 'off'),
        cell(String(d.queued)),
        cell(i ? '' : logins),
      ),
    );
  });
  const head = el('tr', {}, ...headings.map((h) => el('th', {}, h)));
  box.replaceChildren(el('table', {}, el('thead', {}, head), el('tbody', {}, ...rows)));
}

function renderContacts() {
  const box = $('#contacts');
  if (!state.contacts.length) return box.replaceChildren(el('p', { class: 'empty' }, 'No contacts yet.'));
  const items = state.contacts.map((c) =>
    el(
      'li',
      { 'data-testid': `sim-contact-${digits(c.e164)}` },
      `${label(c)} · ${plural(c.deviceCount, 'device')}`,
    ),
  );
  box.replaceChildren(el('ul', {}, ...items));
}

function render() {
  $('#connections').textContent = `${plural(state.connections, 'live connection')}`;
  renderAccounts();
  renderContacts();
  const phones = { label: 'Phones', people: state.accounts };
  const contacts = { label: 'Contacts', people: state.contacts };
  fillSelect($('#scan-phone'), [phones]);
  fillSelect($('#fault-form [name=phone]'), [phones]);
  fillSelect($('#send-form [name=from]'), [contacts, phones]);
  fillSelect($('#send-form [name=to]'), [phones, contacts]);
  // Newly seen people get their history once; after that the event stream keeps them current.
  for (const p of [...state.accounts, ...state.contacts]) if (!logs.has(p.e164)) void catchUp(p);
}

async function refresh() {
  try {
    state = await api('/api/state');
    render();
  } catch (err) {
    say(`could not load the state: ${err.message}`, true);
  }
}

let refreshTimer;
function scheduleRefresh() {
  clearTimeout(refreshTimer);
  refreshTimer = setTimeout(refresh, 100);
}

// ---- received messages ------------------------------------------------------------------------------------

const MAX_SHOWN = 200;
const logs = new Map();

function logFor(person) {
  let log = logs.get(person.e164);
  if (!log) {
    const list = el('ol', { class: 'messages', 'data-testid': `sim-messages-${digits(person.e164)}` });
    const section = el('section', { class: 'person' }, el('h3', {}, label(person)), list);
    log = { next: 0, list, section, syncing: false };
    logs.set(person.e164, log);
    const box = $('#messages');
    box.querySelector('.empty')?.remove();
    box.append(section);
  }
  return log;
}

function addMessage(person, m) {
  const log = logFor(person);
  if (m.seq < log.next) return;
  log.next = m.seq + 1;
  const time = new Date(m.timestamp).toLocaleTimeString();
  const where = m.destination ? `${m.from} → ${m.destination}` : m.from;
  log.list.append(
    el(
      'li',
      { 'data-testid': 'sim-message', 'data-id': m.id, 'data-kind': m.kind },
      el('span', { class: 'meta' }, `${time} · ${where} · ${m.kind} · ${m.encType}`),
      el('span', { class: 'text' }, m.text ?? `(${m.kind})`),
    ),
  );
  while (log.list.children.length > MAX_SHOWN) log.list.firstElementChild.remove();
}

async function catchUp(person) {
  const log = logFor(person);
  if (log.syncing) return;
  log.syncing = true;
  try {
    const since = encodeURIComponent(String(log.next));
    const { messages } = await api(`/api/messages?person=${encodeURIComponent(person.e164)}&since=${since}`);
    for (const m of messages) addMessage(person, m);
  } catch (err) {
    say(`could not load messages for ${person.e164}: ${err.message}`, true);
  } finally {
    log.syncing = false;
  }
}

function listen() {
  const live = $('#live');
  const events = new EventSource('/api/events');
  events.addEventListener('ready', async () => {
    live.textContent = 'live';
    live.className = 'badge ok';
    await refresh();
    // Whatever arrived while the stream was down.
    for (const p of [...state.accounts, ...state.contacts]) void catchUp(p);
  });
  events.addEventListener('message', (e) => {
    const m = JSON.parse(e.data);
    const known = [...state.accounts, ...state.contacts].find((p) => p.e164 === m.person);
    addMessage(known ?? { e164: m.person, name: '' }, m);
  });
  for (const type of ['linked', 'login', 'close', 'qr-client'])
    events.addEventListener(type, scheduleRefresh);
  events.addEventListener('decrypt-error', (e) => {
    const { id, jid, error } = JSON.parse(e.data);
    say(`${jid} could not decrypt message ${id}: ${error}`, true);
  });
  // EventSource reconnects by itself; 'ready' then triggers a catch-up.
  events.addEventListener('error', () => {
    live.textContent = 'reconnecting…';
    live.className = 'badge off';
  });
}

// ---- forms and buttons ------------------------------------------------------------------------------------

const field = (form, name) => form.elements.namedItem(name).value.trim();
const optional = (value) => (value === '' ? undefined : value);

function readFile(file) {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result).replace(/^data:[^,]*,/, ''));
    reader.onerror = () => reject(reader.error);
    reader.readAsDataURL(file);
  });
}

function mediaKind(type) {
  for (const kind of ['image', 'video', 'audio']) if (type.startsWith(`${kind}/`)) return kind;
  return 'document';
}

function onSubmit(selector, what, action) {
  $(selector).addEventListener('submit', (e) => {
    e.preventDefault();
    void act(what, () => action(e.target));
  });
}

onSubmit('#add-phone', 'Add phone', async (form) => {
  const p = await api('/api/phones', { e164: field(form, 'e164'), name: optional(field(form, 'name')) });
  form.reset();
  return `Phone ${p.e164} ready`;
});

onSubmit('#add-contact', 'Add contact', async (form) => {
  const c = await api('/api/contacts', { e164: field(form, 'e164'), name: optional(field(form, 'name')) });
  form.reset();
  return `Contact ${c.e164} ready`;
});

onSubmit('#scan-form', 'Scan', async (form) => {
  const { device } = await api('/api/scan', { phone: field(form, 'phone'), qr: field(form, 'qr') });
  form.elements.namedItem('qr').value = '';
  return `Linked as device ${device} of ${field(form, 'phone')}; the client restarts (515) and logs in`;
});

$('#reject').addEventListener('click', () => {
  void act('Reject', async () => {
    await api('/api/reject', { qr: field($('#scan-form'), 'qr') });
    return 'Link rejected: the client was told 401';
  });
});

onSubmit('#send-form', 'Send', async (form) => {
  const file = form.elements.namedItem('file').files[0];
  const text = optional(form.elements.namedItem('text').value);
  const body = { from: field(form, 'from'), to: field(form, 'to'), text };
  if (file) {
    body.media = { kind: mediaKind(file.type), base64: await readFile(file), fileName: file.name };
    if (file.type) body.media.mimetype = file.type;
  }
  const { id } = await api('/api/send', body);
  form.elements.namedItem('text').value = '';
  form.elements.namedItem('file').value = '';
  return `Sent ${id}`;
});

for (const button of document.querySelectorAll('button[data-kind]')) {
  button.addEventListener('click', () => {
    const form = $('#fault-form');
    const kind = button.dataset.kind;
    const body = { kind };
    const ms = optional(field(form, 'ms'));
    if (ms !== undefined && kind !== 'acceptConnections' && kind !== 'answerHandshakes') body.ms = Number(ms);
    if (button.closest('#device-faults')) {
      body.phone = field(form, 'phone');
      const device = optional(field(form, 'device'));
      if (device !== undefined) body.device = Number(device);
    }
    void act(`Fault ${kind}`, async () => {
      await api('/api/fault', body);
      return `Fault ${kind} applied`;
    });
  });
}

void refresh();
listen();
// People and tests may create phones and contacts without this page; pick those up too.
setInterval(refresh, 3000);
