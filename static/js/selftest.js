/* The scanner self-test (scanning/selftest.html): shows exactly what the scanner sends, and keeps
   the device's "submit after a pause" setting. Nothing leaves the device. */
(function () {
  'use strict';
  // The words, in the person's language, come on the script's own tag (scanning/selftest.html;
  // data-by-camera, as data-camera marks the camera button).
  var T = document.currentScript.dataset;
  // Invisible characters, made visible. Anything else below space (or DEL..0x9F) shows as \xNN.
  var SHOWN = { 13: '⏎', 10: '↵', 9: '⇥', 29: '␝', 30: '␞', 28: '␜', 27: '␛', 4: '␄', 0: '␀', 32: '␣', 1: '␁', 2: '␂', 3: '␃', 23: '␗' };
  var NAMES = { 13: 'CR', 10: 'LF', 9: 'TAB', 29: 'GS', 30: 'RS', 28: 'FS', 27: 'ESC', 4: 'EOT', 0: 'NUL', 32: 'space', 1: 'SOH', 2: 'STX', 3: 'ETX', 23: 'ETB' };
  var AIM = { A: 'Code 39', C: 'Code 128', 'C1': 'GS1-128', d: 'Data Matrix', 'd2': 'GS1 DataMatrix', E: 'EAN / UPC',
              'E1': 'EAN / UPC 2-digit add-on', 'E2': 'EAN / UPC 5-digit add-on', 'E3': 'EAN / UPC with add-on',
              'E4': 'EAN-8', e: 'GS1 DataBar', F: 'Codabar', I: 'ITF', L: 'PDF417', Q: 'QR Code', 'Q3': 'GS1 QR Code', z: 'Aztec' };
  // The framing a scanner can be set to send around a read, which Floor takes off as it takes off
  // CR/LF (floor/scanning/parser.py, _clean): SOH/STX before, ETX/EOT/ETB after.
  var FRAME_START = { 1: 'SOH', 2: 'STX' }, FRAME_END = { 3: 'ETX', 4: 'EOT', 23: 'ETB' };
  var ENVELOPE = '[)>\x1e05\x1d';  // ISO/IEC 15434, format 05: GS1 data
  // EAN/UPC sent with its add-on as one run of digits: main and add-on lengths by the total.
  var SPLITS = { 10: [8, 2], 14: [12, 2], 15: [13, 2], 17: [12, 5], 18: [13, 5] };
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
  function space(c) { return c === 32 || (c >= 9 && c <= 13) || (c >= 28 && c <= 31); }
  // What framing the scan came in, by name ("STX … ETX CR LF"), and the code inside it.
  function unframe(text) {
    var lead = [], trail = [], i = 0, j = text.length, c;
    for (; i < j; i++) {
      c = text.charCodeAt(i);
      if (FRAME_START[c]) lead.push(FRAME_START[c]); else if (!space(c)) break;
    }
    for (; j > i; j--) {
      c = text.charCodeAt(j - 1);
      if (FRAME_END[c]) trail.unshift(FRAME_END[c]);
      else if (c === 13 || c === 10) { if (trail.length) trail.unshift(c === 13 ? 'CR' : 'LF'); }
      else if (!space(c)) break;
    }
    var inner = text.slice(i, j), aim = /^\][A-Za-z][0-9A-Za-z]/.exec(inner);
    var body = aim ? inner.slice(3) : inner;
    if (body.indexOf(ENVELOPE) === 0) { lead.push('ISO/IEC 15434 [)> 05'); trail = trail.filter(function (n) { return n !== 'EOT'; }).concat(['RS EOT']); }
    var named = lead.length || trail.length ? (lead.join(' ') || '') + ' … ' + (trail.join(' ') || '') : '';
    return { inner: inner, text: named.trim() };
  }
  function checkDigitOk(digits) {
    var sum = 0;
    for (var k = digits.length - 2, w = 3; k >= 0; k--, w = 4 - w) sum += w * +digits[k];
    return (10 - sum % 10) % 10 === +digits[digits.length - 1];
  }
  // The EAN/UPC add-on a scan carries: after its own ]E1/]E2, in an ]E3 packet, or as trailing digits.
  function addonText(inner) {
    var m = /^(\]E[034])?([0-9]{8}|[0-9]{12,13})\s*\](E1[0-9]{2}|E2[0-9]{5})$/.exec(inner);
    if (m) return m[3].slice(2) + ' (' + (m[3].length - 2) + ' ' + T.digits + ', ]' + m[3].slice(0, 2) + ')';
    m = /^\](E[12])([0-9]+)$/.exec(inner);
    if (m) return m[2] + ' — ' + T.addonAlone;
    m = /^(\]E[03])?([0-9]+)$/.exec(inner);
    var digits = m && m[2], split = digits && (m[1] === ']E3' && digits.length === 13 ? [8, 5] : SPLITS[digits.length]);
    if (!split || (digits.length === 14 && !m[1] && checkDigitOk(digits))) return T.none;  // a GTIN-14 is no add-on
    var main = digits.slice(0, split[0]);
    if (!checkDigitOk(main) && split[0] !== 8) return T.none;
    return digits.slice(split[0]) + ' (' + split[1] + ' ' + T.digits + ', ' + T.after + ' ' + main + ')';
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
      var framed = unframe(d.code);
      $('st-framing').textContent = framed.text || T.none;
      $('st-aim').textContent = aimText(framed.inner);
      $('st-addon').textContent = addonText(framed.inner);
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
