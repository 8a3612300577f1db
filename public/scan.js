// Sarafan: scan a certificate's QR code with the device camera.
//
// A button with data-scan="<input id>" opens the camera in an overlay. Frames are read by the
// browser's BarcodeDetector where it has one that reads QR codes (Chrome on Android and macOS);
// everywhere else (iPhone Safari, Firefox, desktop Chromium) by our own decoder, the `scanner`
// crate compiled to WebAssembly (/pkg/scanner.js + scanner_bg.wasm), fetched only when a camera
// opens and kept by the service worker for offline use from then on.
//
// What is read must be one of our certificates: the QR's `/c/{code}` URL or a grouped or plain
// code. Any other QR code (a poster's link, a Wi-Fi code) is ignored with a message and the
// camera goes on looking. A certificate's code goes into the input (grouped, as printed); with
// data-scan-submit its form is submitted, with data-scan-next="<id>" that field gets the focus.
//
// Phone manners: the rear camera, ~7 frames a second, a torch toggle where the camera has one,
// a vibration on success, and the camera released when the overlay closes or the page is hidden.
(function () {
  'use strict';
  var FRAME_MS = 140;
  // Frames are scaled down to this many pixels on their long side before our decoder reads them:
  // a certificate held before a phone stays readable, and a frame takes a few tens of ms.
  var MAX_SIDE = 720;

  var TEXT = {
    ru: {
      title: 'Сканирование QR-кода сертификата',
      aim: 'Наведите камеру на QR-код сертификата',
      loading: 'Включаем камеру…',
      foreign: 'Это не сертификат Сарафана',
      close: 'Закрыть',
      torch: 'Фонарик',
      insecure: 'Камера работает только на защищённой странице (https). Введите код вручную.',
      unsupported: 'Этот браузер не даёт доступа к камере: используйте сканер или введите код.',
      denied: 'Нет доступа к камере: разрешите его в настройках браузера или введите код.',
      nocamera: 'Камера не найдена: используйте сканер или введите код.',
      failed: 'Камера недоступна: ',
      decoder: 'Не удалось загрузить распознаватель QR-кодов (нет связи?): введите код вручную.',
    },
    en: {
      title: 'Scanning a certificate QR code',
      aim: 'Point the camera at the certificate’s QR code',
      loading: 'Starting the camera…',
      foreign: 'This is not a Sarafan certificate',
      close: 'Close',
      torch: 'Torch',
      insecure: 'The camera only works on a secure (https) page. Type the code instead.',
      unsupported: 'This browser gives no access to the camera: use a scanner or type the code.',
      denied: 'No access to the camera: allow it in the browser’s settings or type the code.',
      nocamera: 'No camera found: use a scanner or type the code.',
      failed: 'Camera unavailable: ',
      decoder: 'Could not load the QR decoder (offline?): type the code instead.',
    },
  };

  /** The grouped code (`K7QD-M2XF-R9A`) if `text` is one of our certificates, else null.
   * Forgiving like the server's parser (domain/src/code.rs): a URL ending in /c/CODE, lower
   * case, spaces and dashes, O for 0, I and L for 1. The check symbol is left to the form. */
  function certificateCode(text) {
    var t = String(text || '').trim();
    var at = t.lastIndexOf('/c/');
    if (at >= 0) t = t.slice(at + 3).split(/[?#/]/)[0];
    else if (/^[a-z][a-z0-9+.-]*:/i.test(t)) return null; // another link, WIFI:, mailto:…
    var s = t.replace(/[-\s_.]/g, '').toUpperCase().replace(/O/g, '0').replace(/[IL]/g, '1');
    if (!/^[0-9A-HJKMNP-TV-Z]{11}$/.test(s)) return null;
    return s.slice(0, 4) + '-' + s.slice(4, 8) + '-' + s.slice(8);
  }

  /** A function reading the QR texts in a video frame: the browser's own detector, or ours. */
  var ourDecoder = null;
  async function qrReader() {
    if ('BarcodeDetector' in window) {
      try {
        var formats = await window.BarcodeDetector.getSupportedFormats();
        if (formats.indexOf('qr_code') >= 0) {
          var detector = new window.BarcodeDetector({ formats: ['qr_code'] });
          return async function (video) {
            return (await detector.detect(video)).map(function (c) { return c.rawValue; });
          };
        }
      } catch (e) { /* fall through to ours */ }
    }
    if (!ourDecoder) {
      ourDecoder = import('/pkg/scanner.js').then(async function (m) {
        await m.default({ module_or_path: '/pkg/scanner_bg.wasm' });
        return m;
      });
      ourDecoder.catch(function () { ourDecoder = null; });
    }
    var scanner = await ourDecoder;
    var canvas = document.createElement('canvas');
    var ctx = canvas.getContext('2d', { willReadFrequently: true });
    return async function (video) {
      var w = video.videoWidth, h = video.videoHeight;
      if (!w || !h) return [];
      var k = Math.min(1, MAX_SIDE / Math.max(w, h));
      var cw = Math.round(w * k), ch = Math.round(h * k);
      if (canvas.width !== cw) canvas.width = cw;
      if (canvas.height !== ch) canvas.height = ch;
      ctx.drawImage(video, 0, 0, cw, ch);
      var pixels = ctx.getImageData(0, 0, cw, ch).data;
      var text = scanner.read_qr(new Uint8Array(pixels.buffer), cw, ch);
      return text == null ? [] : [text];
    };
  }

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text) e.textContent = text;
    return e;
  }

  var open = null; // the overlay on screen: at most one camera at a time

  async function scan(button) {
    var input = document.getElementById(button.getAttribute('data-scan'));
    if (!input || open) return;
    var T = TEXT[(document.documentElement.lang || 'ru').slice(0, 2)] || TEXT.ru;
    performance.mark('sarafan-scan-open');

    var overlay = el('div', 'scan-overlay');
    overlay.setAttribute('role', 'dialog');
    overlay.setAttribute('aria-modal', 'true');
    overlay.setAttribute('aria-label', T.title);
    var video = el('video');
    video.setAttribute('playsinline', '');
    video.muted = true;
    var status = el('p', 'scan-status', T.loading);
    status.setAttribute('role', 'status');
    status.setAttribute('aria-live', 'polite');
    var actions = el('div', 'scan-actions');
    var torch = el('button', 'btn', T.torch);
    torch.type = 'button';
    torch.hidden = true;
    torch.setAttribute('aria-pressed', 'false');
    var close = el('button', 'btn', T.close);
    close.type = 'button';
    actions.appendChild(torch);
    actions.appendChild(close);
    overlay.appendChild(video);
    overlay.appendChild(status);
    overlay.appendChild(actions);
    document.body.appendChild(overlay);
    close.focus();

    var stream = null;
    var timer = null;
    var done = false;
    function say(text, kind) {
      status.textContent = text;
      status.className = 'scan-status' + (kind ? ' scan-' + kind : '');
    }
    function release() {
      if (timer) clearTimeout(timer);
      timer = null;
      if (stream) stream.getTracks().forEach(function (t) { t.stop(); });
      stream = null;
      video.srcObject = null;
    }
    function stop() {
      if (done) return;
      done = true;
      release();
      overlay.remove();
      document.removeEventListener('visibilitychange', onHidden);
      document.removeEventListener('keydown', onKey);
      open = null;
      input.focus();
    }
    // A hidden page (another app, a locked phone) must not keep the camera: close the scan.
    function onHidden() { if (document.hidden) stop(); }
    function onKey(ev) { if (ev.key === 'Escape') stop(); }
    /** Ends the scan with a message and the Close button: the camera is off, the overlay stays. */
    function fail(text) {
      release();
      say(text, 'error');
      video.hidden = true;
      torch.hidden = true;
    }
    open = overlay;
    close.addEventListener('click', stop);
    document.addEventListener('visibilitychange', onHidden);
    document.addEventListener('keydown', onKey);

    if (!window.isSecureContext) return fail(T.insecure);
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) return fail(T.unsupported);

    var read;
    try {
      // The camera and the decoder start together: the decoder's download hides behind the
      // camera's warm-up.
      var started = await Promise.all([
        navigator.mediaDevices.getUserMedia({
          audio: false,
          video: { facingMode: { ideal: 'environment' }, width: { ideal: 1280 }, height: { ideal: 720 } },
        }).then(function (s) {
          // Kept at once, so that a closed overlay or a failed decoder still releases it.
          stream = s;
          if (done) release();
        }),
        qrReader().catch(function () { throw new Error('decoder'); }),
      ]);
      if (done) return;
      read = started[1];
      video.srcObject = stream;
      await video.play();
    } catch (e) {
      if (done) return;
      if (e && e.message === 'decoder') return fail(T.decoder);
      if (e && e.name === 'NotAllowedError') return fail(T.denied);
      if (e && (e.name === 'NotFoundError' || e.name === 'OverconstrainedError')) return fail(T.nocamera);
      return fail(T.failed + (e && e.message ? e.message : e));
    }
    if (done) return;
    say(T.aim);

    var track = stream.getVideoTracks()[0];
    var caps = track && track.getCapabilities ? track.getCapabilities() : {};
    if (caps.torch) {
      torch.hidden = false;
      torch.addEventListener('click', function () {
        var on = torch.getAttribute('aria-pressed') !== 'true';
        track.applyConstraints({ advanced: [{ torch: on }] }).then(function () {
          torch.setAttribute('aria-pressed', on ? 'true' : 'false');
        }, function () { torch.hidden = true; });
      });
    }

    var lastForeign = null;
    async function tick() {
      timer = null;
      if (done || !stream) return;
      var began = performance.now();
      var texts = [];
      try {
        texts = await read(video);
      } catch (e) { /* a frame that could not be read: try the next one */ }
      if (done) return;
      var code = null;
      for (var i = 0; i < texts.length && !code; i++) code = certificateCode(texts[i]);
      if (code) return found(code);
      if (texts.length && texts[0] !== lastForeign) {
        lastForeign = texts[0];
        say(T.foreign, 'error');
        overlay.setAttribute('data-foreign', texts[0]);
      }
      timer = setTimeout(tick, Math.max(0, FRAME_MS - (performance.now() - began)));
    }
    function found(code) {
      performance.measure('sarafan-scan', 'sarafan-scan-open');
      if (navigator.vibrate) navigator.vibrate(80);
      input.value = code;
      input.dispatchEvent(new Event('input', { bubbles: true }));
      stop();
      var next = button.getAttribute('data-scan-next');
      if (button.hasAttribute('data-scan-submit') && input.form) input.form.requestSubmit();
      else if (next && document.getElementById(next)) document.getElementById(next).focus();
    }
    tick();
  }

  document.addEventListener('click', function (ev) {
    var b = ev.target.closest && ev.target.closest('[data-scan]');
    if (b) { ev.preventDefault(); scan(b); }
  });
})();
