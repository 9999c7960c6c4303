/* The scanner self-test (scanning/selftest.html): shows exactly what the scanner sends, and keeps
   the device's "submit after a pause" setting. Nothing leaves the device. */
(function () {
  'use strict';
  // The words, in the person's language, come on the script's own tag (scanning/selftest.html;
  // data-by-camera, as data-camera marks the camera button).
  var T = document.currentScript.dataset;
  // Invisible characters, made visible. Anything else below space (or DEL..0x9F) shows as \xNN.
  var SHOWN = { 13: '⏎', 10: '↵', 9: '⇥', 29: '␝', 30: '␞', 28: '␜', 27: '␛', 4: '␄', 0: '␀', 32: '␣' };
  var NAMES = { 13: 'CR', 10: 'LF', 9: 'TAB', 29: 'GS', 30: 'RS', 28: 'FS', 27: 'ESC', 4: 'EOT', 0: 'NUL', 32: 'space' };
  var AIM = { A: 'Code 39', C: 'Code 128', 'C1': 'GS1-128', d: 'Data Matrix', 'd2': 'GS1 DataMatrix', E: 'EAN / UPC',
              'E4': 'EAN-8', e: 'GS1 DataBar', F: 'Codabar', I: 'ITF', L: 'PDF417', Q: 'QR Code', 'Q3': 'GS1 QR Code', z: 'Aztec' };
  var form = document.getElementById('selftest'), F = window.Floor;
  var $ = function (id) { return document.getElementById(id); };

  function visible(text, into) {
    into.replaceChildren();
    var plain = '';
    for (var i = 0; i < text.length; i++) {
      var c = text.charCodeAt(i);
      if (c < 33 || (c >= 127 && c < 160)) {
        if (plain) { into.append(plain); plain = ''; }
        var s = document.createElement('span');
        s.className = 'ctl';
        s.textContent = SHOWN[c] || '\\x' + (c + 256).toString(16).slice(1).toUpperCase();
        s.title = (NAMES[c] || 'control') + ' (' + c + ')';
        // Not every handheld font has the control pictures (␝): the name goes with it.
        if (NAMES[c] && SHOWN[c] >= '\u2400' && SHOWN[c] <= '\u243f' && c !== 32) s.append(Object.assign(document.createElement('small'), { textContent: NAMES[c] }));
        into.append(s);
      } else plain += text[i];
    }
    if (plain) into.append(plain);
    return into;
  }
  function suffixText(d) {
    if (d.suffix === 'Enter') return T.yes + ' — Enter ⏎';
    if (d.suffix === 'Tab') return T.yes + ' — Tab ⇥';
    if (d.suffix === 'camera') return T.no + ' — ' + T.byCamera;
    if (d.suffix === 'submit') return T.no + ' — ' + T.button;
    return T.no + ' — ' + T.pause + ' ' + F.pauseMs() + ' ms';
  }
  function aimText(code) {
    var m = /^\]([A-Za-z])([0-9A-Za-z])/.exec(code);
    if (!m) return T.none;
    return m[0] + ' — ' + (AIM[m[1] + m[2]] || AIM[m[1]] || '?');
  }
  function specialKeys(keys) {
    var out = [];
    keys.forEach(function (k) {
      var special = k.ctrl || k.alt || (k.key && k.key.length !== 1) || (k.key && k.key.charCodeAt(0) < 32);
      if (!special || /^(Shift|Control|Alt|Meta|CapsLock)$/.test(k.key)) return;
      var name = (k.ctrl ? 'Ctrl+' : '') + (k.alt ? 'Alt+' : '') + (k.key && k.key.length === 1 && k.key.charCodeAt(0) < 32 ? '\\x' + (k.key.charCodeAt(0) + 256).toString(16).slice(1).toUpperCase() : k.key);
      out.push(name + (k.code ? ' (' + k.code + ')' : '') + (k.input ? ' [input]' : ''));
    });
    return out.length ? out.join(' · ') : T.none;
  }
  function timing(d) {
    var gap = 0, t = d.keys.filter(function (k) { return k.key !== 'Enter' && k.key !== 'Tab'; }).map(function (k) { return k.t; });
    for (var i = 1; i < t.length; i++) gap = Math.max(gap, t[i] - t[i - 1]);
    return d.ms + ' ms ' + T.span + ' · ' + Math.round(gap) + ' ms ' + T.gap;
  }

  form.addEventListener('floor:scan', function (e) {
    e.preventDefault();  // the self-test keeps the scan on the device
    var d = e.detail, suffix = d.suffix === 'Enter' ? '\r' : d.suffix === 'Tab' ? '\t' : '';
    var item = document.createElement('li');
    visible(d.code + suffix, item.appendChild(document.createElement('span')));
    if (d.duplicate) { item.className = 'dup'; item.append(' — ' + T.dup); }
    else {
      visible(d.code + suffix, $('st-raw'));
      $('st-length').textContent = d.code.length + ' ' + T.chars;
      $('st-suffix').textContent = suffixText(d);
      $('st-aim').textContent = aimText(d.code);
      $('st-timing').textContent = timing(d);
      $('st-keys').textContent = specialKeys(d.keys);
      F.sound('ok');
    }
    var history = $('st-history');
    history.prepend(item);
    while (history.children.length > 10) history.lastChild.remove();
  });

  var box = $('st-pause'), ms = $('st-pause-ms');
  var saved = F.pauseMs();
  box.checked = saved > 0;
  if (saved) ms.value = saved;
  function save() { F.pauseMs(box.checked ? Math.max(20, parseInt(ms.value, 10) || 60) : 0); }
  box.addEventListener('change', save);
  ms.addEventListener('change', save);
  // Enter in the pause field must not send the settings form anywhere: they are kept on the device.
  $('st-settings').addEventListener('submit', function (e) { e.preventDefault(); });
})();
