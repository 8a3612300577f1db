// The self-registration page (/join/…) is sent without the app's WebAssembly: its form is a
// plain form post. A refused post (no consent, a mistyped phone) comes back as a fresh page with
// the error; this keeps what the participant typed for that page, and stops a second tap from
// posting the form twice while the first one is on its way.
(function () {
  'use strict';
  var form = document.getElementById('join-form');
  if (!form) return;
  var KEY = 'sarafan-join-typed';
  var FIELDS = ['name', 'phone', 'email'];
  var sent = false;
  try {
    var typed = JSON.parse(sessionStorage.getItem(KEY) || 'null');
    sessionStorage.removeItem(KEY);
    if (typed && location.search.indexOf('__err=') !== -1) {
      FIELDS.forEach(function (n) {
        var el = form.elements[n];
        if (el && !el.value && typed[n]) el.value = typed[n];
      });
      if (typed.consent && form.elements.consent) form.elements.consent.checked = true;
    }
  } catch (e) { /* storage unavailable: nothing kept */ }
  form.addEventListener('submit', function (e) {
    if (sent) { e.preventDefault(); return; }
    sent = true;
    var typed = { consent: !!(form.elements.consent && form.elements.consent.checked) };
    FIELDS.forEach(function (n) { if (form.elements[n]) typed[n] = form.elements[n].value; });
    try { sessionStorage.setItem(KEY, JSON.stringify(typed)); } catch (err) { /* nothing kept */ }
  });
  // Back from the certificate (the page restored from memory): the form may be sent again.
  window.addEventListener('pageshow', function () { sent = false; });
})();
