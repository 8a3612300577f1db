// Shared by the app's pages that come without its WebAssembly — the store staff's home with the
// hand-out form (public/handout.js) and reception's check-in (public/checkin.js): the
// certificate code's check symbol, checked as it is typed by the same rule as
// domain/src/code.rs; the service worker, which on these pages nobody else registers; and the
// mark that the page's script is running (html[data-script-ready]).
(function () {
  'use strict';
  var ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
  var LOOKALIKE = { O: '0', I: '1', L: '1', 'А': 'A', 'а': 'A', 'В': 'B', 'в': 'B', 'Е': 'E', 'е': 'E',
    'К': 'K', 'к': 'K', 'М': 'M', 'м': 'M', 'Н': 'H', 'н': 'H', 'О': '0', 'о': '0', 'Р': 'P', 'р': 'P',
    'С': 'C', 'с': 'C', 'Т': 'T', 'т': 'T', 'Х': 'X', 'х': 'X' };
  var SEPARATORS = '- \u00a0_.\t';
  // Multiplication in GF(32) with the primitive polynomial x⁵ + x² + 1.
  function gfMul(a, b) {
    var r = 0;
    while (b) { if (b & 1) r ^= a; b >>= 1; a <<= 1; if (a & 32) a ^= 37; }
    return r;
  }
  function symbolValue(ch) {
    var up = /[a-z]/.test(ch) ? ch.toUpperCase() : ch;
    return ALPHABET.indexOf(LOOKALIKE[up] || up);
  }
  // What the code typed so far looks like: null (fine, or not typed in full yet), 'mistyped'
  // (every symbol is valid but the check symbol does not match) or 'invalid'.
  function codeProblem(text) {
    var compact = Array.from(text).filter(function (c) { return /[\p{L}\p{N}]/u.test(c); });
    if (compact.length < 11 || text.indexOf('/') !== -1) return null;
    var values = [];
    var chars = Array.from(text.trim());
    for (var i = 0; i < chars.length; i++) {
      if (SEPARATORS.indexOf(chars[i]) !== -1) continue;
      var v = symbolValue(chars[i]);
      if (v < 0) return 'invalid';
      values.push(v);
    }
    if (values.length !== 11) return 'invalid';
    var sum = 0, power = 1;
    values.forEach(function (v) { power = gfMul(power, 2); sum ^= gfMul(power, v); });
    return sum === 0 ? null : 'mistyped';
  }
  window.Sarafan = {
    codeProblem: codeProblem,
    // Shows what is wrong with the code typed into `input` in `hint` (the texts in the page's
    // language come in the input's data-hint-mistyped / data-hint-invalid); true if anything.
    checkCode: function (input, hint) {
      var problem = codeProblem(input.value);
      hint.textContent = problem ? (input.getAttribute('data-hint-' + problem) || problem) : '';
      if (problem) input.setAttribute('aria-invalid', 'true'); else input.removeAttribute('aria-invalid');
      return !!problem;
    },
    // The page's script has bound its forms.
    ready: function () { document.documentElement.setAttribute('data-script-ready', 'true'); },
  };
  if (navigator.serviceWorker) navigator.serviceWorker.register('/sw.js').catch(function () {});
})();
