// Sarafan: the mystery shopper's visit form, offline-first.
//
// The form (#shopper-form, rendered by the server) names its API in data-api: the visit's
// (/api/v1/shopper-visits/{id}, signed in) or the link's (/api/v1/shopper-links/{secret}, an
// outside shopper). Every change is kept on the phone at once (IndexedDB: the answers, and each
// photo as a Blob with a random key) until the server has it. Sending goes in order: the answers
// (PUT …/answers), then each waiting photo (POST …/photos?question=N&key=K: the same key sent
// again lands once), then, if asked, the sign-off (POST …/sign-off). With no connection the page
// says so and tries again when the connection returns, every 15 seconds and on the next load.
// What this script writes goes into elements that are empty when the server renders them.
(function () {
  'use strict';
  var form = document.getElementById('shopper-form');
  // The script runs again when the page is rendered again by client-side navigation.
  if (!form || form.getAttribute('data-bound')) return;
  form.setAttribute('data-bound', 'true');
  var api = form.getAttribute('data-api');
  var photoBase = form.getAttribute('data-photos') || '';
  var lang = form.getAttribute('data-lang') || document.documentElement.lang || 'ru';
  var KEY = api; // one record of answers per visit (or link)
  var T = {};
  try { T = JSON.parse(form.getAttribute('data-texts') || '{}'); } catch (e) { T = {}; }
  function t(k) { return T[k] || k; }
  var statusEl = document.getElementById('shopper-status') || document.createElement('p');
  var previewEl = document.getElementById('shopper-preview') || document.createElement('output');
  var locked = false, syncing = false, again = false, timer = null;
  var refusedRev = -1; // answers the server refused: not sent again by themselves until changed
  var current = null; // {form, input, rev, dirty, signoff}

  // ---------- storage: IndexedDB, or memory where there is none ----------
  var memory = { answers: {}, photos: {} };
  var dbPromise = null;
  function db() {
    if (!dbPromise) {
      dbPromise = new Promise(function (resolve, reject) {
        if (!window.indexedDB) { reject(new Error('no IndexedDB')); return; }
        var open = indexedDB.open('sarafan-shopper', 1);
        open.onupgradeneeded = function () {
          var d = open.result;
          if (!d.objectStoreNames.contains('answers')) d.createObjectStore('answers', { keyPath: 'form' });
          if (!d.objectStoreNames.contains('photos')) d.createObjectStore('photos', { keyPath: 'key' });
        };
        open.onsuccess = function () { resolve(open.result); };
        open.onerror = function () { reject(open.error); };
      });
    }
    return dbPromise;
  }
  function request(name, mode, fn) {
    return db().then(function (d) {
      return new Promise(function (resolve, reject) {
        var r = fn(d.transaction(name, mode).objectStore(name));
        r.onsuccess = function () { resolve(r.result); };
        r.onerror = function () { reject(r.error); };
      });
    });
  }
  function getRecord(name, key) {
    return request(name, 'readonly', function (s) { return s.get(key); })
      .catch(function () { return memory[name][key]; });
  }
  function putRecord(name, value) {
    var key = name === 'answers' ? value.form : value.key;
    memory[name][key] = value;
    return request(name, 'readwrite', function (s) { return s.put(value); }).catch(function () {});
  }
  function deleteRecord(name, key) {
    delete memory[name][key];
    return request(name, 'readwrite', function (s) { return s.delete(key); }).catch(function () {});
  }
  function queuedPhotos() {
    return request('photos', 'readonly', function (s) { return s.getAll(); })
      .catch(function () { return Object.keys(memory.photos).map(function (k) { return memory.photos[k]; }); })
      .then(function (all) {
        return (all || []).filter(function (p) { return p.form === KEY; })
          .sort(function (a, b) { return a.added - b.added; });
      });
  }

  // ---------- the form ----------
  function fieldsets() { return Array.prototype.slice.call(form.querySelectorAll('fieldset[data-question]')); }
  function collect() {
    var answers = [];
    fieldsets().forEach(function (fs) {
      if (fs.getAttribute('data-kind') === 'photo') return;
      var no = Number(fs.getAttribute('data-question'));
      var name = 'q' + no;
      var value = '';
      var checked = fs.querySelector('input[name="' + name + '"]:checked');
      if (checked) value = checked.value;
      var text = fs.querySelector('textarea[name="' + name + '"]');
      if (text) value = text.value.trim();
      answers.push({ question: no, value: value });
    });
    var day = form.querySelector('[name="visited_on"]');
    return { visited_on: day ? day.value : '', answers: answers };
  }
  function restore(input) {
    var day = form.querySelector('[name="visited_on"]');
    if (day && input.visited_on) day.value = input.visited_on;
    (input.answers || []).forEach(function (a) {
      var name = 'q' + a.question;
      var text = form.querySelector('textarea[name="' + name + '"]');
      if (text) { text.value = a.value; return; }
      form.querySelectorAll('input[name="' + name + '"]').forEach(function (r) { r.checked = r.value === a.value; });
    });
  }
  function remember() {
    current = {
      form: KEY, input: collect(), rev: (current ? current.rev : 0) + 1,
      dirty: true, signoff: !!(current && current.signoff)
    };
    return putRecord('answers', current);
  }
  function forget() {
    current = null;
    return deleteRecord('answers', KEY).then(queuedPhotos).then(function (list) {
      return Promise.all(list.map(function (p) { return deleteRecord('photos', p.key); }));
    });
  }

  // ---------- what the page says ----------
  function say(text, kind) {
    statusEl.hidden = !text;
    statusEl.textContent = text || '';
    statusEl.className = kind === 'error' ? 'form-error' : kind === 'offline' ? 'queue' : 'notice';
  }
  function scoreText(score, passed, critical) {
    if (score === null || score === undefined) return '—';
    var s = score + ' ' + t('of');
    if (passed !== null && passed !== undefined) s += ' · ' + (passed ? t('passed') : t('failed'));
    if (critical) s += ' (' + t('critical') + ')';
    return s;
  }
  function showPreview(p) {
    if (!p) return;
    previewEl.textContent = scoreText(p.score, p.passed, p.critical_failed);
  }
  function errorFor(field) { return form.querySelector('[data-error-for="' + field + '"]'); }
  function clearErrors() {
    form.querySelectorAll('[data-error-for]').forEach(function (p) { p.textContent = ''; });
    form.querySelectorAll('[data-invalid]').forEach(function (f) { f.removeAttribute('data-invalid'); });
  }
  function showField(field, text) {
    var p = errorFor(field);
    if (p) p.textContent = text;
    var fs = document.getElementById(field);
    if (fs) fs.setAttribute('data-invalid', 'true');
    return fs || p;
  }
  function showErrors(err) {
    var first = null;
    ((err && err.fields) || []).forEach(function (f) { var marked = showField(f.field, f.message); first = first || marked; });
    say((err && err.message) || t('internal'), 'error');
    if (first && first.scrollIntoView) first.scrollIntoView({ block: 'center' });
  }
  function lock() {
    locked = true;
    form.querySelectorAll('input, textarea, button, select').forEach(function (e) { e.disabled = true; });
    form.setAttribute('data-locked', 'true');
  }

  // ---------- photos ----------
  function uuid() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var b = new Uint8Array(16); crypto.getRandomValues(b);
    return Array.prototype.map.call(b, function (x) { return ('0' + x.toString(16)).slice(-2); }).join('');
  }
  // A phone photo is shrunk to at most 1600 px (JPEG) before it is kept: quicker to send.
  function shrink(file) {
    if (!window.createImageBitmap || !/^image\//.test(file.type || '')) return Promise.resolve(file);
    return createImageBitmap(file).then(function (bmp) {
      var scale = Math.min(1, 1600 / Math.max(bmp.width, bmp.height));
      if (scale === 1 && file.size <= 1500000) { if (bmp.close) bmp.close(); return file; }
      var c = document.createElement('canvas');
      c.width = Math.max(1, Math.round(bmp.width * scale));
      c.height = Math.max(1, Math.round(bmp.height * scale));
      var g = c.getContext('2d');
      g.fillStyle = '#fff'; g.fillRect(0, 0, c.width, c.height);
      g.drawImage(bmp, 0, 0, c.width, c.height);
      if (bmp.close) bmp.close();
      return new Promise(function (resolve) {
        c.toBlob(function (b) { resolve(b || file); }, 'image/jpeg', 0.85);
      });
    }).catch(function () { return file; });
  }
  function photoItem(p) {
    var list = form.querySelector('[data-queue-for="' + p.question + '"]');
    if (!list) return;
    var li = list.querySelector('[data-key="' + p.key + '"]');
    if (!li) {
      li = document.createElement('li');
      li.setAttribute('data-key', p.key);
      list.appendChild(li);
    }
    var kb = Math.max(1, Math.round((p.size || 0) / 1024));
    li.className = p.sent ? 'photo-sent' : 'photo-waiting';
    li.textContent = (p.name || 'photo') + ' · ' + kb + ' KB — ' + (p.sent ? t('sent') : t('waiting'));
  }
  function addPhotos(input) {
    var no = Number(input.getAttribute('data-photo-for'));
    var files = Array.prototype.slice.call(input.files || []);
    input.value = '';
    return files.reduce(function (chain, file) {
      return chain.then(function () { return shrink(file); }).then(function (blob) {
        var p = {
          key: uuid(), form: KEY, question: no, blob: blob, type: blob.type || file.type || 'image/jpeg',
          name: file.name, size: blob.size, added: Date.now()
        };
        return putRecord('photos', p).then(function () {
          photoItem(p);
          var fs = document.getElementById('q' + no);
          if (fs) fs.setAttribute('data-queued', String(Number(fs.getAttribute('data-queued') || 0) + 1));
        });
      });
    }, Promise.resolve()).then(function () { sync(false); });
  }

  // ---------- sending ----------
  function send(method, path, body, type) {
    var headers = { 'Accept': 'application/json', 'Accept-Language': lang };
    if (type) headers['Content-Type'] = type;
    return fetch(api + path, { method: method, credentials: 'same-origin', headers: headers, body: body });
  }
  function offline() { say(t('offline'), 'offline'); }
  // A refusal that ends the form (410: the link no longer works; 409: signed off elsewhere).
  function final(r, err) {
    if (r.status === 410 || r.status === 409) {
      say((err && err.message) || t(r.status === 410 ? 'expired' : 'locked'), 'error');
      lock();
      forget();
      return true;
    }
    return false;
  }
  function json(r) { return r.json().catch(function () { return null; }); }

  // Every scored question answered and every photo question with a photo, before a sign-off
  // is even queued (the server checks again).
  function missing() {
    var first = null;
    fieldsets().forEach(function (fs) {
      var kind = fs.getAttribute('data-kind');
      var no = fs.getAttribute('data-question');
      var empty = false;
      if (kind === 'photo') {
        empty = Number(fs.getAttribute('data-photo-count') || 0) + Number(fs.getAttribute('data-queued') || 0) === 0;
      } else if (kind !== 'text') {
        empty = !fs.querySelector('input[name="q' + no + '"]:checked');
      }
      if (empty) { var marked = showField('q' + no, t('required')); first = first || marked; }
    });
    return first;
  }

  async function step(auto) {
    var rec = current;
    var photos = await queuedPhotos();
    var answers = rec && (rec.dirty || rec.signoff) && !(auto && rec.rev === refusedRev);
    if (!answers && !photos.length) return;
    if (navigator.onLine === false) { offline(); return; }
    // A retry in the background leaves the marks on the questions; a person's press clears them.
    if (!auto) clearErrors();
    say(t('sending'));
    var r, data;
    if (rec && rec.dirty) {
      var rev = rec.rev;
      try {
        r = await send('PUT', '/answers', JSON.stringify(rec.input), 'application/json');
      } catch (e) { offline(); return; }
      data = await json(r);
      if (!r.ok) {
        if (final(r, data && data.error)) return;
        if (r.status >= 500) { offline(); return; }
        refusedRev = rev;
        if (current) { current.signoff = false; await putRecord('answers', current); }
        showErrors(data && data.error);
        return;
      }
      if (data) showPreview(data.preview);
      if (current && current.rev === rev) { current.dirty = false; await putRecord('answers', current); }
    }
    for (var i = 0; i < photos.length; i++) {
      var p = photos[i];
      try {
        r = await send('POST', '/photos?question=' + p.question + '&key=' + encodeURIComponent(p.key), p.blob, p.type);
      } catch (e) { offline(); return; }
      if (r.ok) {
        await deleteRecord('photos', p.key);
        p.sent = true;
        photoItem(p);
        continue;
      }
      data = await json(r);
      if (final(r, data && data.error)) return;
      if (r.status >= 500 || r.status === 401) { showErrors(data && data.error); return; }
      // The server will never take this file (not a picture, too large, too many): say so on
      // its question and let it go.
      await deleteRecord('photos', p.key);
      var fs = document.getElementById('q' + p.question);
      if (fs) fs.setAttribute('data-queued', String(Math.max(0, Number(fs.getAttribute('data-queued') || 0) - 1)));
      var li = form.querySelector('[data-key="' + p.key + '"]');
      if (li) li.remove();
      showField('q' + p.question, (data && data.error && data.error.message) || String(r.status));
    }
    if (current && current.signoff) {
      try { r = await send('POST', '/sign-off'); } catch (e) { offline(); return; }
      data = await json(r);
      if (r.ok && data) {
        await forget();
        var v = data.visit || {};
        previewEl.textContent = scoreText(v.score, v.passed, v.critical_failed);
        lock();
        say(t('signed') + '. ' + t('score') + ': ' + scoreText(v.score, v.passed, v.critical_failed));
        form.setAttribute('data-signed-off', 'true');
        var badge = document.querySelector('#visit-state .badge');
        if (badge) { badge.textContent = t('signed-state'); badge.className = 'badge badge-used'; }
        return;
      }
      if (final(r, data && data.error)) return;
      if (r.status >= 500) { offline(); return; }
      current.signoff = false;
      await putRecord('answers', current);
      showErrors(data && data.error);
      return;
    }
    say(t('synced'));
  }

  async function sync(signoff, auto) {
    if (locked) return;
    if (signoff) {
      clearErrors();
      var gap = missing();
      if (gap) {
        say(t('fix'), 'error');
        if (gap.scrollIntoView) gap.scrollIntoView({ block: 'center' });
        return;
      }
      if (!current || !current.dirty) await remember();
      current.signoff = true;
      await putRecord('answers', current);
    }
    if (syncing) { again = true; return; }
    syncing = true;
    try {
      do { again = false; if (!locked) await step(auto); } while (again && !locked);
    } catch (e) {
      say(t('internal'), 'error');
    } finally {
      syncing = false;
    }
  }
  // A typed answer goes to the server a moment after the typing stops.
  function soon() {
    if (timer) clearTimeout(timer);
    timer = setTimeout(function () { timer = null; sync(false); }, 1500);
  }

  form.addEventListener('submit', function (ev) { ev.preventDefault(); });
  function changed(ev) {
    if (locked) return;
    var el = ev.target;
    // An answer changed: its question's mark goes.
    var fs = el.closest && el.closest('fieldset[data-question]');
    if (fs && fs.hasAttribute('data-invalid')) {
      fs.removeAttribute('data-invalid');
      var p = fs.querySelector('[data-error-for]');
      if (p) p.textContent = '';
    }
    if (el.type === 'file') { if (ev.type === 'change') addPhotos(el); return; }
    remember().then(soon);
  }
  form.addEventListener('change', changed);
  form.addEventListener('input', changed);
  form.querySelectorAll('[data-action]').forEach(function (b) {
    b.addEventListener('click', function () {
      if (locked) return;
      if (timer) { clearTimeout(timer); timer = null; }
      var signoff = b.getAttribute('data-action') === 'signoff';
      (current && current.dirty ? Promise.resolve() : remember()).then(function () { sync(signoff); });
    });
  });

  window.__sarafanShopperSync = function () { if (!locked) sync(false, true); };
  if (!window.__sarafanShopperTimer) {
    window.addEventListener('online', function () { if (window.__sarafanShopperSync) window.__sarafanShopperSync(); });
    window.addEventListener('offline', function () { if (window.__sarafanShopperOffline) window.__sarafanShopperOffline(); });
    window.__sarafanShopperTimer = setInterval(function () {
      if (navigator.onLine !== false && window.__sarafanShopperSync) window.__sarafanShopperSync();
    }, 15000);
  }
  window.__sarafanShopperOffline = function () {
    queuedPhotos().then(function (list) { if (list.length || (current && current.dirty)) offline(); });
  };

  // On load: what the phone kept and the server does not have yet goes back into the form and
  // is sent.
  var p0 = form.getAttribute('data-score');
  showPreview({
    score: p0 === '' || p0 === null ? null : Number(p0),
    passed: form.getAttribute('data-passed') === 'true',
    critical_failed: form.getAttribute('data-critical') === 'true'
  });
  getRecord('answers', KEY).then(function (saved) {
    if (saved && (saved.dirty || saved.signoff)) { current = saved; restore(saved.input); }
    return queuedPhotos();
  }).then(function (list) {
    list.forEach(function (p) {
      photoItem(p);
      var fs = document.getElementById('q' + p.question);
      if (fs) fs.setAttribute('data-queued', String(Number(fs.getAttribute('data-queued') || 0) + 1));
    });
    if ((current && (current.dirty || current.signoff)) || list.length) {
      if (navigator.onLine === false) offline(); else sync(false);
    }
  });
})();
