// Reception's check-in comes without the app's WebAssembly: the code is sent by a plain GET
// form (?code=…, which a keyboard-like scanner submits with its Enter) and the server answers
// with the whole page; redeeming, undoing and recording a visit are plain form posts that come
// back to it. This script gives the code field the focus with its text selected, so the next
// scan replaces it; flags a mistyped code as it is typed (public/light.js); and keeps a second
// tap from sending a form twice while the first is on its way.
(function () {
  'use strict';
  var input = document.getElementById('scan-code');
  if (!input || input.getAttribute('data-bound')) return;
  input.setAttribute('data-bound', 'true');
  var hint = document.getElementById('scan-hint') || document.createElement('p');
  var S = window.Sarafan;
  function check() { if (S) S.checkCode(input, hint); }
  input.addEventListener('input', check);
  check();
  // After every answer: the code selected, ready for the next scan. A refused form keeps the
  // focus at its first wrong field instead.
  var wrong = document.querySelector('main [aria-invalid="true"]:not(#scan-code)');
  if (wrong) wrong.focus(); else { input.focus(); input.select(); }
  var sending = false;
  document.querySelectorAll('main form').forEach(function (form) {
    form.addEventListener('submit', function (ev) {
      if (sending) { ev.preventDefault(); return; }
      sending = true;
    });
  });
  // Back to a page restored from memory: its forms may be sent again.
  window.addEventListener('pageshow', function () { sending = false; });
  if (S) S.ready();
})();
