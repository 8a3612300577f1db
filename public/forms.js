// The plain HTML forms of the pages that come without the app's WebAssembly and have no script
// of their own: sign-in, an invite, the first-start setup, a participant's self-registration.
// A refused post comes back as a fresh page with the error in the address (__err=…); this keeps
// what was typed (never a password) for that page, and stops a second tap from posting a form
// twice while the first is on its way. Then it marks the page ready (html[data-script-ready]).
(function () {
  'use strict';
  var KEY = 'sarafan-typed:' + location.pathname;
  var TYPED = ['text', 'email', 'tel', 'number', 'date', 'url', 'search', 'textarea', 'checkbox'];
  var typed = null;
  try {
    typed = JSON.parse(sessionStorage.getItem(KEY) || 'null');
    sessionStorage.removeItem(KEY);
  } catch (e) { typed = null; }
  if (location.search.indexOf('__err=') === -1) typed = null;
  // A field worth keeping: typed by a person, not hidden from people (a bots' trap is).
  function kept(el) {
    return !!el.name && TYPED.indexOf(el.type) !== -1 && !el.closest('[aria-hidden="true"]');
  }
  var forms = Array.prototype.slice.call(document.querySelectorAll('main form'));
  forms.forEach(function (form, i) {
    var id = form.id || 'form-' + i;
    var before = typed && typed[id];
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!before || !kept(el) || !(el.name in before)) return;
      if (el.type === 'checkbox') { if (before[el.name]) el.checked = true; }
      else if (!el.value) el.value = before[el.name];
    });
    var sent = false;
    form.addEventListener('submit', function (e) {
      if (sent) { e.preventDefault(); return; }
      sent = true;
      var values = {};
      Array.prototype.forEach.call(form.elements, function (el) {
        if (kept(el)) values[el.name] = el.type === 'checkbox' ? el.checked : el.value;
      });
      var all = {};
      all[id] = values;
      try { sessionStorage.setItem(KEY, JSON.stringify(all)); } catch (err) { /* nothing kept */ }
    });
    // Back to a page restored from memory: the form may be sent again.
    window.addEventListener('pageshow', function () { sent = false; });
  });
  document.documentElement.setAttribute('data-script-ready', 'true');
})();
