// Sarafan: the store employee's hand-out form, offline-first.
//
// The form is sent as JSON to /api/v1/handouts with a fresh idempotency key and the moment it
// happened. With no connection the record is kept on the phone (localStorage, per origin) and
// uploaded when the connection returns; a retried upload never creates a second record (same
// key). An upload the server refuses (the certificate was handed out on another phone
// meanwhile…) is kept on the server for the marketer to resolve: nothing is dropped silently.
//
// The code is checked as it is typed (public/light.js): a mistyped symbol or two swapped
// neighbours are flagged before anything is sent. The staff home comes without the app's
// WebAssembly: this script and light.js are all it runs.
//
// Queued records belong to the person who typed them (the form's data-user): the next person
// to sign in on a shared phone never uploads them under their own name. Signing out offers to
// send them first and then clears them from the phone. A record the server will not take from
// this person (403) is moved aside instead of holding up the rest of the queue.
(function () {
  'use strict';
  var KEY = 'sarafan.handout-queue.v1';
  var REFUSED = 'sarafan.handout-refused.v1';
  var form = document.getElementById('handout-form');
  // The script runs again when the page is rendered again by client-side navigation.
  if (!form || form.getAttribute('data-bound')) return;
  form.setAttribute('data-bound', 'true');
  var ru = (form.getAttribute('data-lang') || document.documentElement.lang || 'ru') === 'ru';
  var user = form.getAttribute('data-user') || '';
  var T = ru ? {
    saved: 'Сохранено: ', queued: 'Нет связи: запись сохранена на телефоне и отправится сама',
    waiting: 'Ждут отправки: ', synced: 'Отправлено записей: ', kept: 'Записей передано маркетологу на проверку: ',
    signin: 'Войдите заново, чтобы отправить записи', consent: 'нужно согласие участника на обработку персональных данных',
    code: 'проверьте код сертификата', required: 'обязательное поле',
    refused: 'Не приняты сервером (отдайте телефон маркетологу): ',
    leave: function (n) { return 'На телефоне остались неотправленные записи: ' + n + '. Нет связи — при выходе они будут удалены. Выйти?'; }
  } : {
    saved: 'Saved: ', queued: 'No connection: the record is kept on the phone and will be sent by itself',
    waiting: 'Waiting to be sent: ', synced: 'Records sent: ', kept: 'Records passed to the marketer to check: ',
    signin: 'Sign in again to send the records', consent: "the participant's consent is required",
    code: 'check the certificate code', required: 'required',
    refused: 'Not accepted by the server (show the phone to the marketer): ',
    leave: function (n) { return n + ' records were not sent yet and there is no connection: signing out deletes them. Sign out?'; }
  };
  function el(id) { return document.getElementById(id) || document.createElement('p'); }

  var codeInput = form.querySelector('[name=code]');
  function checkCode() { if (window.Sarafan) window.Sarafan.checkCode(codeInput, el('h-code-hint')); }
  codeInput.addEventListener('input', checkCode);

  function load(key) { try { return JSON.parse(localStorage.getItem(key) || '[]'); } catch (e) { return []; } }
  function mine(item) { return String(item.user || '') === user; }
  // This person's queued records; everyone else's stay on the phone untouched.
  function queue() { return load(KEY).filter(mine); }
  function store(q) {
    localStorage.setItem(KEY, JSON.stringify(load(KEY).filter(function (i) { return !mine(i); }).concat(q)));
    render();
  }
  function setAside(item, status) {
    var r = load(REFUSED); r.push(Object.assign({}, item, { refused: status }));
    localStorage.setItem(REFUSED, JSON.stringify(r));
  }
  function render() {
    var n = queue().length;
    var counter = el('queue-count');
    counter.hidden = n === 0;
    counter.textContent = n ? T.waiting + n : '';
    counter.setAttribute('data-count', String(n));
    var refused = load(REFUSED).filter(mine).length;
    var aside = el('queue-refused');
    aside.hidden = refused === 0;
    aside.textContent = refused ? T.refused + refused : '';
    aside.setAttribute('data-count', String(refused));
  }
  function say(text) { var status = el('handout-status'); status.hidden = !text; status.textContent = text || ''; }
  function uuid() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var b = new Uint8Array(16); crypto.getRandomValues(b);
    return Array.prototype.map.call(b, function (x) { return ('0' + x.toString(16)).slice(-2); }).join('');
  }
  function bump(id, by) {
    var el = document.getElementById(id);
    if (el) el.textContent = String(Math.max(0, (parseInt(el.textContent, 10) || 0) + by));
  }
  function clearErrors() {
    form.querySelectorAll('[data-error-for]').forEach(function (p) { if (p.id !== 'h-code-hint') p.textContent = ''; });
    form.querySelectorAll('[aria-invalid]').forEach(function (i) { if (i.name !== 'code') i.removeAttribute('aria-invalid'); });
  }
  function showError(field, text) {
    var p = form.querySelector('[data-error-for="' + field + '"]');
    if (p) p.textContent = text;
    var input = form.querySelector('[name="' + field + '"]');
    if (input) input.setAttribute('aria-invalid', 'true');
    return input;
  }
  function record() {
    var f = new FormData(form);
    var get = function (k) { return String(f.get(k) || '').trim(); };
    return {
      code: get('code'), name: get('name'), phone: get('phone'), email: get('email'),
      birthday: get('birthday'), heard_from: get('heard_from'), form_serial: get('form_serial'),
      consent: !!form.querySelector('[name=consent]').checked,
      idempotency_key: uuid(), happened_at: new Date().toISOString(), user: user
    };
  }
  function post(item, offline) {
    var body = Object.assign({}, item, { offline: offline });
    delete body.user;
    return fetch('/api/v1/handouts', {
      method: 'POST', credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json', 'Accept-Language': ru ? 'ru' : 'en' },
      body: JSON.stringify(body)
    });
  }
  function done(item) {
    form.reset();
    var code = form.querySelector('[name=code]');
    code.dispatchEvent(new Event('input', { bubbles: true }));
    code.focus();
  }
  function keep(item) {
    var q = queue(); q.push(item); store(q);
    say(T.queued);
    done(item);
  }

  async function sync() {
    if (window.__sarafanSyncing) return;
    var q = queue();
    if (!q.length) { render(); return; }
    window.__sarafanSyncing = true;
    var sent = 0, kept = 0;
    try {
      while (q.length) {
        var r;
        try { r = await post(q[0], true); } catch (e) { break; } // still offline
        if (r.status === 401) { say(T.signin); break; }
        // This person may not record it (another store's certificate, a role changed…): set it
        // aside and go on with the rest.
        if (r.status === 403) { setAside(q.shift(), r.status); store(q); continue; }
        if (r.status >= 500) break;
        if (r.ok) sent++; else kept++; // refused: kept on the server as a conflict
        q.shift(); store(q);
        if (r.ok) { bump('today-own', 1); bump('today-store', 1); bump('week-own', 1); bump('week-store', 1); bump('certs-left', -1); }
      }
    } finally { window.__sarafanSyncing = false; render(); }
    if (sent || kept) say((sent ? T.synced + sent : '') + (sent && kept ? '. ' : '') + (kept ? T.kept + kept : ''));
  }

  form.addEventListener('submit', async function (ev) {
    ev.preventDefault();
    clearErrors();
    var item = record();
    var first = null;
    checkCode();
    if (!item.code) first = showError('code', T.required);
    else if (codeInput.getAttribute('aria-invalid') === 'true') first = codeInput;
    if (!item.name) first = first || showError('name', T.required);
    if (!item.phone) first = first || showError('phone', T.required);
    if (!item.consent) first = first || showError('consent', T.consent);
    if (first) { first.focus(); return; }
    if (navigator.onLine === false) { keep(item); return; }
    var r;
    try { r = await post(item, false); } catch (e) { keep(item); return; }
    if (r.status >= 500) { keep(item); return; }
    var data = null;
    try { data = await r.json(); } catch (e) { data = null; }
    if (r.ok) {
      say(T.saved + (data && data.participant_name || item.name) + ' — ' + (data && data.code || item.code));
      bump('today-own', 1); bump('today-store', 1); bump('week-own', 1); bump('week-store', 1); bump('certs-left', -1);
      done(item);
      sync();
      return;
    }
    if (r.status === 401) { say(T.signin); return; }
    var err = data && data.error;
    var fields = (err && err.fields) || [];
    var focus = null;
    fields.forEach(function (f) { focus = focus || showError(f.field, f.message); });
    if (!fields.length) say(err ? err.message : String(r.status));
    else say('');
    if (focus) focus.focus();
  });

  // Signing out: send what waits first; what cannot be sent is cleared from the phone (after
  // asking), so the next person never sees or sends it.
  document.querySelectorAll('form.signout').forEach(function (f) {
    if (f.getAttribute('data-queue-bound')) return;
    f.setAttribute('data-queue-bound', 'true');
    f.addEventListener('submit', async function (ev) {
      if (!queue().length) return;
      ev.preventDefault();
      ev.stopImmediatePropagation();
      await sync();
      var left = queue().length;
      if (left && !window.confirm(T.leave(left))) return;
      store([]);
      f.requestSubmit ? f.requestSubmit() : f.submit();
    }, true);
  });

  // Keep this page for offline use even when it was reached by client-side navigation.
  function keepPage() {
    if (navigator.onLine === false || !navigator.serviceWorker) return;
    navigator.serviceWorker.ready.then(function (reg) {
      if (reg.active) reg.active.postMessage({ type: 'keep-page', path: location.pathname });
    });
  }
  keepPage();
  window.__sarafanSync = sync;
  if (!window.__sarafanTimer) {
    window.addEventListener('online', function () { window.__sarafanSync(); });
    window.__sarafanTimer = setInterval(function () {
      if (queue().length && navigator.onLine !== false) window.__sarafanSync();
    }, 15000);
  }
  render();
  checkCode();
  if (window.Sarafan) window.Sarafan.ready();
  sync();
})();
