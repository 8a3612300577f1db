// Sarafan: scan a certificate's QR code with the device camera (where the browser has
// BarcodeDetector: Chrome on Android, Safari 17+, Edge). A button with data-scan="<input id>"
// opens the camera; the decoded text goes into the input and its form is submitted.
(function () {
  'use strict';
  function say(input, text) {
    var hint = document.getElementById('scan-hint');
    if (hint) hint.textContent = text;
  }
  async function scan(button) {
    var input = document.getElementById(button.getAttribute('data-scan'));
    if (!input) return;
    var ru = (document.documentElement.lang || 'ru') === 'ru';
    if (!('BarcodeDetector' in window) || !navigator.mediaDevices) {
      say(input, ru ? 'Камера не поддерживается этим браузером: используйте сканер или введите код.'
                    : 'This browser cannot scan with the camera: use a scanner or type the code.');
      input.focus();
      return;
    }
    var overlay = document.createElement('div');
    overlay.className = 'scan-overlay';
    var video = document.createElement('video');
    video.setAttribute('playsinline', '');
    video.muted = true;
    var close = document.createElement('button');
    close.type = 'button';
    close.className = 'btn';
    close.textContent = ru ? 'Закрыть' : 'Close';
    overlay.appendChild(video);
    overlay.appendChild(close);
    document.body.appendChild(overlay);
    var stream = null;
    var done = false;
    function stop() {
      done = true;
      if (stream) stream.getTracks().forEach(function (t) { t.stop(); });
      overlay.remove();
      input.focus();
    }
    close.addEventListener('click', stop);
    try {
      stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' } });
      video.srcObject = stream;
      await video.play();
      var detector = new window.BarcodeDetector({ formats: ['qr_code'] });
      while (!done) {
        var codes = await detector.detect(video);
        if (codes.length) {
          input.value = codes[0].rawValue;
          input.dispatchEvent(new Event('input', { bubbles: true }));
          stop();
          if (input.form) input.form.requestSubmit();
          return;
        }
        await new Promise(function (r) { setTimeout(r, 150); });
      }
    } catch (e) {
      stop();
      say(input, (ru ? 'Камера недоступна: ' : 'Camera unavailable: ') + e.message);
    }
  }
  document.addEventListener('click', function (ev) {
    var b = ev.target.closest && ev.target.closest('[data-scan]');
    if (b) { ev.preventDefault(); scan(b); }
  });
})();
