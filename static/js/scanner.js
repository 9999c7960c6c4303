/* Floor scanner shell (shared/UX.md): keeps the scan box focused, turns keystrokes into scans,
   posts them one at a time with a device-made key, keeps them while offline, plays the feedback,
   reads barcodes with the camera, shows the connection. Plain JS, no build step. */
(function () {
  'use strict';
  var body = document.body;
  var net = document.getElementById('net');
  var store = {
    get: function (k) { try { return localStorage.getItem(k); } catch (e) { return null; } },
    set: function (k, v) { try { localStorage.setItem(k, v); } catch (e) { /* private mode: per page */ } }
  };
  function msg(name) { return body.getAttribute('data-msg-' + name) || ''; }

  function uuid() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    // randomUUID needs a secure context; a plain-http warehouse LAN still has getRandomValues.
    var b = crypto.getRandomValues(new Uint8Array(16)), h = '';
    b[6] = (b[6] & 15) | 64; b[8] = (b[8] & 63) | 128;
    for (var i = 0; i < 16; i++) h += (b[i] + 256).toString(16).slice(1) + ([3, 5, 7, 9].indexOf(i) >= 0 ? '-' : '');
    return h;
  }
  var device = store.get('floor.device');
  if (!device) { device = uuid(); store.set('floor.device', device); }

  // "Submit after a pause" for scanners with no suffix: per device, 0 = off.
  function pauseMs(ms) {
    if (ms !== undefined) store.set('floor.pauseMs', String(ms | 0));
    return parseInt(store.get('floor.pauseMs'), 10) || 0;
  }

  /* ---------- Focus: the scan box always has it ---------- */
  function isScan(el) { return !!(el && el.matches && el.matches('[data-scan-input]')); }
  function isField(el) {
    return !!(el && el.matches && el.matches('input:not([type=checkbox]):not([type=radio]):not([type=button]):not([type=submit]):not([type=reset]),textarea,select,[contenteditable]'));
  }
  function scanInput() {
    // The last visible one wins, so that a panel opened over the prompt (a supervisor's badge) gets the scans.
    var all = document.querySelectorAll('[data-scan-input]');
    for (var i = all.length - 1; i >= 0; i--) if (!all[i].disabled && all[i].getClientRects().length) return all[i];
    return null;
  }
  function refocus() {
    var inp = scanInput(), a = document.activeElement;
    if (!inp || a === inp || camera || document.visibilityState === 'hidden') return;
    if (isField(a) && a.isConnected && !isScan(a)) return;  // someone is typing a quantity or a PIN
    inp.focus({ preventScroll: true });
  }
  function setKeyboard(inp, on) {
    inp.setAttribute('inputmode', on ? 'text' : 'none');
    var btn = inp.form && inp.form.querySelector('[data-keyboard]');
    if (btn) btn.setAttribute('aria-pressed', on ? 'true' : 'false');
    if (document.activeElement === inp) inp.blur();  // Android raises the keyboard only on a fresh focus
    inp.focus();
  }
  function typing(inp) { return inp.getAttribute('inputmode') === 'text'; }

  document.addEventListener('click', function (e) {
    var t = e.target, btn;
    if ((btn = t.closest('[data-keyboard]'))) {
      var inp = (btn.form && btn.form.querySelector('[data-scan-input]')) || scanInput();
      if (inp) setKeyboard(inp, !typing(inp));
      return;
    }
    if ((btn = t.closest('[data-camera]'))) {
      openCamera((btn.form && btn.form.querySelector('[data-scan-input]')) || scanInput());
      return;
    }
    // The pages' own behaviour lives here, not in onclick="": the Content-Security-Policy runs no
    // inline script. − / + beside a quantity, sent at once where the flow takes it so.
    if ((btn = t.closest('[data-step]'))) {
      var qty = btn.form && btn.form.elements.namedItem('quantity');
      if (qty) {
        if (btn.getAttribute('data-step') === 'up') qty.stepUp(); else qty.stepDown();
        if (btn.hasAttribute('data-step-submit')) btn.form.requestSubmit();
      }
    } else if (t.closest('[data-print]')) window.print();
    if (isField(t) || t.closest('label')) return;
    // After a tap on a button too: a focused button would take the next scan's Enter as a press.
    setTimeout(refocus, 0);
  });
  /* Destructive actions ask once: a red button (.btn-danger) or one that says what it will do
     (data-confirm="Leave W-0042? …") does nothing on its first tap but turn amber, and a bar above
     the action bar says what it will do. A second tap, on it or on the bar, does it; anything else
     (another tap, a scan, 8 s) lets it go. The second tap must come 0.4 s after the first: a
     gloved double tap is one tap. */
  var armed = null, passing = null;
  function disarm() {
    if (!armed) return;
    clearTimeout(armed.timer);
    armed.btn.classList.remove('btn-armed');
    armed.bar.remove();
    armed = null;
  }
  function arm(btn, at) {
    var bar = document.createElement('div'), yes = document.createElement('button');
    var what = document.createElement('strong'), how = document.createElement('span');
    var actions = document.querySelector('.actions');
    bar.className = 'confirm' + (actions ? '' : ' confirm-alone');
    bar.setAttribute('role', 'alert');
    yes.type = 'button'; yes.className = 'btn confirm-yes'; yes.setAttribute('data-confirm-yes', '');
    what.textContent = btn.getAttribute('data-confirm') || btn.textContent.trim();
    how.textContent = msg('confirm');
    yes.append(what, how);
    bar.appendChild(yes);
    (actions || body).appendChild(bar);
    btn.classList.add('btn-armed');
    armed = { btn: btn, bar: bar, at: at, timer: setTimeout(disarm, 8000) };
  }
  document.addEventListener('click', function (e) {
    if (passing) return;
    var t = e.target, btn = t.closest('button.btn-danger,button[data-confirm]');
    if (armed && t.closest('[data-confirm-yes]')) btn = armed.btn;
    else if (armed && btn !== armed.btn) disarm();
    if (!btn || btn.disabled) return;
    e.preventDefault(); e.stopImmediatePropagation();
    if (armed) {
      if (e.timeStamp - armed.at < 400) return;
      disarm();
      passing = btn;
      try { btn.click(); } finally { passing = null; }
      return;
    }
    if (btn.type === 'submit' && btn.form && !btn.form.checkValidity()) { btn.form.reportValidity(); return; }
    arm(btn, e.timeStamp);
    setTimeout(refocus, 0);
  }, true);
  document.addEventListener('keydown', function (e) {
    if (e.key === 'Tab' || e.key === 'Shift') return;  // on the way to the bar, by keyboard
    if (armed && e.target !== armed.btn && !(e.target.closest && e.target.closest('[data-confirm-yes]'))) disarm();
  }, true);

  // A gloved double tap on Undo or Done is one tap, as a double read is one scan. Caught before
  // htmx sees the click: htmx would otherwise queue the second and send it after the first.
  var tapped = { el: null, at: 0 };
  document.addEventListener('click', function (e) {
    var el = e.target.closest('button,a'), route = el && hxRoute(el);
    if (!route || route.verb === 'get') return;
    if (tapped.el === el && e.timeStamp - tapped.at < 300) { e.preventDefault(); e.stopImmediatePropagation(); return; }
    tapped.el = el; tapped.at = e.timeStamp;
  }, true);
  // A <details> that loads its lines when opened listens for `floor:opened` (hx-trigger): htmx's
  // own filter, toggle[this.open], is code that htmx evals, and the policy allows no eval.
  document.addEventListener('toggle', function (e) {
    if (e.target.tagName !== 'DETAILS' || !e.target.open) return;
    opened = e.target;
    e.target.dispatchEvent(new CustomEvent('floor:opened'));
    reveal(e.target);
  }, true);

  /* ---------- In sight: the prompt, and whatever a tap opened, above the action bar ---------- */
  var opened = null;
  function edges() {
    var head = document.querySelector('header.bar'), bar = document.querySelector('.actions');
    var top = head && getComputedStyle(head).position !== 'static' ? Math.max(0, head.getBoundingClientRect().bottom) : 0;
    var bottom = bar && getComputedStyle(bar).position === 'fixed' ? bar.getBoundingClientRect().top : window.innerHeight;
    return { top: top, bottom: bottom - 8 };
  }
  // Its end above the action bar, unless that would take its start under the header.
  function reveal(el) {
    var r = el.getBoundingClientRect(), at = edges(), by = 0;
    if (!r.height) return;
    if (r.bottom > at.bottom) by = Math.min(r.bottom - at.bottom, r.top - at.top);
    else if (r.top < at.top) by = r.top - at.top;
    if (by) window.scrollBy(0, by);
  }
  // A new screen opens at its top, where its prompt is: the page would otherwise stay scrolled to
  // where the tapped button was, the new prompt under the header. A panel the answer opened
  // (Problem's reasons) comes into sight after it.
  function shown(e) {
    var screen = document.getElementById('screen'), target = e && e.detail && e.detail.target;
    if (screen && !screen._shown) {
      screen._shown = true;
      if (e) window.scrollTo(0, 0);
      var open = document.querySelector('details[open][data-reveal]');
      if (open) reveal(open);
    } else if (opened && opened.open && target && opened.contains(target)) {
      reveal(opened);  // the lines it loaded when it opened
    }
  }
  document.addEventListener('visibilitychange', function () {
    if (document.visibilityState === 'visible') { refocus(); retryNow(); }
    else closeCamera();
  });
  window.addEventListener('pageshow', function (e) {
    leaving = false;
    refocus();
    if (e.persisted && !ws) connect();  // back from the bfcache: the websocket was closed on the way out
  });

  /* ---------- Keystrokes → scans ---------- */
  var last = { code: null, at: 0 };
  var leaving = false;
  function state(inp) { return inp._scan || (inp._scan = { start: 0, end: 0, keys: [], timer: 0 }); }
  function reset(st) { clearTimeout(st.timer); st.start = st.end = 0; st.keys = []; st.pending = null; }
  function stroke(st) { var now = performance.now(); if (!st.start) st.start = now; st.end = now; }

  // Wedges send the GS1 separator (GS, ASCII 29) as Ctrl+] or as a bare control character.
  function control(e) {
    if (e.ctrlKey && !e.altKey && !e.metaKey) {
      if (e.code === 'BracketRight' || e.key === ']') return '\x1d';
      if (e.code === 'Backslash' || e.key === '\\') return '\x1c';
      if (e.key === '^' || (e.shiftKey && e.code === 'Digit6')) return '\x1e';
    }
    return e.key && e.key.length === 1 && e.key.charCodeAt(0) < 32 ? e.key : '';
  }

  document.addEventListener('keydown', function (e) {
    var inp = e.target;
    if (isNumber(inp)) { numberKey(inp, e); return; }
    if (!isScan(inp)) {
      // A scan that starts while focus is elsewhere still lands in the scan box.
      if (e.key && e.key.length === 1 && !e.ctrlKey && !e.altKey && !e.metaKey && !isField(inp) && !camera) refocus();
      return;
    }
    if (e.isComposing) return;
    var st = state(inp);
    if (st.keys.length < 500) st.keys.push({ key: e.key, code: e.code, ctrl: e.ctrlKey, alt: e.altKey, t: performance.now() });
    if (e.key === 'Enter') { e.preventDefault(); finish(inp, 'Enter'); return; }
    if (e.key === 'Tab' && inp.value && !typing(inp)) { e.preventDefault(); finish(inp, 'Tab'); return; }
    var ch = control(e);
    if (ch) {
      e.preventDefault();
      var s = inp.selectionStart == null ? inp.value.length : inp.selectionStart;
      inp.setRangeText(ch, s, inp.selectionEnd == null ? s : inp.selectionEnd, 'end');
      stroke(st); schedule(inp);
    } else if (e.key && e.key.length === 1) {
      st.pending = e.key;
    }
  }, true);

  document.addEventListener('input', function (e) {
    var inp = e.target;
    if (!isScan(inp)) return;
    var st = state(inp);
    if (!inp.value) { reset(st); return; }
    // Text that came without a key event (insertText, IME, some wedge modes): log it for the self-test.
    if (e.data && e.data !== st.pending && st.keys.length < 500) st.keys.push({ key: e.data, code: '', input: true, t: performance.now() });
    st.pending = null;
    stroke(st); schedule(inp);
  }, true);

  /* A wedge types wherever the focus is; in a number box (a quantity, a weight) a scan would be
     lost ("Please enter a number"). Its keys come a few ms apart, faster than any thumb: from the
     second such key the scan, its first key too, goes to the scan box, and the number box keeps
     what it held. A slower wedge is caught at its Enter: what it typed is no quantity (a letter,
     or 8 characters and more), so it was a scan. */
  var SCANNER_MS = 30, PAUSE_MS = 500;
  function isNumber(el) { return !!(el && el.matches && el.matches('input[type=number]')) && !isScan(el); }
  function numberKey(field, e) {
    var b = field._burst, now = e.timeStamp, box = scanInput();
    if (e.key === 'Enter') {
      field._burst = null;
      if (box && b && (/[^0-9.,+-]/.test(b.keys) || b.keys.length >= 8)) {
        e.preventDefault();
        route(field, b, box, '');
        finish(box, 'Enter');
      } else if (field.form && field.form.querySelectorAll('[type=submit]').length > 1) {
        e.preventDefault();  // one of several buttons (a reason) is a choice to tap, not Enter's first
      }
      return;
    }
    if (!e.key || e.key.length !== 1 || e.ctrlKey || e.altKey || e.metaKey || e.isComposing) return;
    if (!b || now - b.at > PAUSE_MS) b = field._burst = { before: field.value, keys: '', at: now };
    if (box && b.keys && now - b.at < SCANNER_MS) {
      e.preventDefault();
      field._burst = null;
      route(field, b, box, e.key);
      return;
    }
    b.keys += e.key; b.at = now;
  }
  function route(field, b, box, key) {
    field.value = b.before;
    box.value += b.keys + key;
    box.focus({ preventScroll: true });
    var st = state(box), t = performance.now();
    for (var i = 0; i < b.keys.length + key.length; i++) if (st.keys.length < 500) st.keys.push({ key: (b.keys + key)[i], code: '', t: t });
    stroke(st); schedule(box);
  }

  function schedule(inp) {
    var st = state(inp), ms = pauseMs();
    clearTimeout(st.timer);
    if (ms && !typing(inp)) st.timer = setTimeout(function () { if (inp.value) finish(inp, null); }, ms);
  }

  // A scan form's own submit (a Go button) goes the same way as Enter.
  document.addEventListener('submit', function (e) {
    var form = e.target, inp = form.matches('[data-scan-form]') && form.querySelector('[data-scan-input]');
    if (!inp) return;
    e.preventDefault(); e.stopPropagation();  // before htmx's own listener on the form
    finish(inp, 'submit');
  }, true);

  function finish(inp, suffix) {
    var st = state(inp), code = inp.value, form = inp.form;
    var detail = { code: code, suffix: suffix, keys: st.keys, ms: st.start ? Math.round(st.end - st.start) : 0, duplicate: false };
    var now = performance.now(), began = st.start || now;
    reset(st);
    if (!code || !form) return;
    // One trigger read twice: the same code again, starting within 300 ms of the last one's end
    // (from its start, not its end: a long code types slowly on a busy device).
    detail.duplicate = code === last.code && began - last.at < 300;
    last.code = code; last.at = now;
    inp.value = '';
    if (typing(inp)) setKeyboard(inp, false);
    // Listeners may take the scan (the self-test does): they cancel this event.
    if (!form.dispatchEvent(new CustomEvent('floor:scan', { bubbles: true, cancelable: true, detail: detail }))) return;
    if (!detail.duplicate) submit(form, inp, code);
  }

  function hxRoute(form) {
    var verbs = ['post', 'put', 'patch', 'delete', 'get'];
    for (var i = 0; i < verbs.length; i++) {
      var url = form.getAttribute('hx-' + verbs[i]) || form.getAttribute('data-hx-' + verbs[i]);
      if (url !== null) return { verb: verbs[i], url: url };
    }
    return null;
  }
  function hidden(form, name, value) {
    var el = form.querySelector('input[type=hidden][name="' + name + '"]');
    if (!el) { el = document.createElement('input'); el.type = 'hidden'; el.name = name; form.appendChild(el); }
    el.value = value;
  }

  function submit(form, inp, code) {
    var route = window.htmx && hxRoute(form);
    if (route) return enqueue(form, inp, code, route);
    if (leaving) return;  // the page is already on its way to the next one
    if ((form.getAttribute('method') || '').toLowerCase() === 'post') { hidden(form, 'key', uuid()); hidden(form, 'device', device); }
    inp.value = code;
    leaving = true;
    form.submit();  // no submit event: our own listener would take it again
    inp.value = '';
  }

  /* ---------- The queue: one scan in flight, the rest wait in order, kept while offline ---------- */
  var queue = [], busy = null, httpDown = false, wsDown = false, retryTimer = 0, retryDelay = 1000;

  function enqueue(form, inp, code, route) {
    var values = {};
    new FormData(form).forEach(function (v, k) { if (typeof v === 'string') values[k] = v; });
    values[inp.name || 'code'] = code;
    if (route.verb !== 'get') { values.key = uuid(); values.device = device; }
    // helper-offpick (issue 27), until the queue helper's scanner.js calls it: offline, the
    // screen's own check of the scan on the device (pick-offline.js). Refused: it changes
    // nothing and is not sent; accepted: the prompt has moved on; null: no opinion, it waits.
    var verdict = !navigator.onLine && window.Floor && window.Floor.offlineCheck ? window.Floor.offlineCheck(form, code) : null;
    if (verdict && !verdict.accept) { feedback(verdict.kind, verdict.text, verdict.sound); return; }
    queue.push({ form: form, verb: route.verb, url: route.url, values: values, key: values.key, target: form.getAttribute('hx-target'), tries: 0 });
    if (verdict) { feedback(verdict.kind, verdict.text, verdict.sound); showNet(); }
    else if (!navigator.onLine || retryTimer) { feedback('warning', msg('queued'), 'warning'); showNet(); }
    pump();
  }

  function pump(retry) {
    if (busy || !queue.length) return;
    // Offline, or backing off after a failure: the scans wait (in order) for the retry.
    if (!navigator.onLine || (retryTimer && !retry)) { showNet(); return; }
    var item = busy = queue[0];
    item.status = undefined;
    var src = item.form.isConnected ? item.form : document.querySelector('[data-scan-form]');
    var ctx = { values: item.values };
    if (src) { src.noValidate = true; ctx.source = src; }  // the box is empty by now: skip "required"
    if (!src || !item.form.isConnected) {
      var t = item.target && item.target.charAt(0) === '#' && document.querySelector(item.target);
      if (t) ctx.target = t; else if (!src) { ctx.target = '#main'; ctx.swap = 'innerHTML'; }
    }
    showNet();
    htmx.ajax(item.verb, item.url, ctx).then(settled, settled);
  }

  function settled() {
    var item = busy, s = item.status;
    busy = null;
    if (s === 0 || s === 502 || s === 503 || s === 504) {
      // The network (or a restarting server) lost it: keep it, with its key, and try again later.
      httpDown = true;
      if (!item.tries++) feedback('warning', msg('queued'), 'warning');  // said once, not at every retry
      retryLater();
    } else {
      queue.shift();
      if (s === undefined || (s >= 400 && !swapped(s))) feedback('error', msg('failed'), 'error');
      else httpDown = false;
    }
    showNet();
    pump();
  }
  function swapped(status) { return [400, 409, 422].indexOf(status) >= 0; }
  function retryLater() {
    clearTimeout(retryTimer);
    retryTimer = setTimeout(function () { retryTimer = 0; pump(true); }, retryDelay);
    retryDelay = Math.min(retryDelay * 2, 15000);
  }
  // Something says the network may be back (online event, websocket open, screen on): try now.
  function retryNow(sure) {
    clearTimeout(retryTimer); retryTimer = 0; retryDelay = 1000;
    if (queue.length) pump(true);
    else if (sure && httpDown) { httpDown = false; showNet(); }
  }

  function showNet() {
    if (!net) return;
    var off = httpDown || wsDown || !navigator.onLine, n = queue.length;
    var text = net.getAttribute(off ? 'data-offline' : 'data-online') || (off ? 'offline' : 'online');
    if (n && (off || n > 1)) text += ' · ' + n + ' ' + (net.getAttribute('data-waiting') || 'waiting');
    net.textContent = text;
    net.setAttribute('data-state', off ? 'offline' : 'online');
  }
  window.addEventListener('online', function () { showNet(); retryNow(true); });
  window.addEventListener('offline', showNet);
  window.addEventListener('beforeunload', function (e) {
    if (queue.length) { e.preventDefault(); e.returnValue = ''; }  // scans not yet sent would be lost
  });

  /* ---------- htmx: key + device on every change, 4xx rejections swapped, errors shown ---------- */
  if (window.htmx) {
    // A rejected scan may come back as 400/409/422 with its partial: show it like any other.
    htmx.config.responseHandling.unshift({ code: '^(400|409|422)$', swap: true, error: false });
    document.addEventListener('htmx:configRequest', function (e) {
      var d = e.detail, fd = d.formData;
      if (d.verb === 'get' || !fd) return;
      if (!fd.has('key')) fd.set('key', uuid());
      if (!fd.has('device')) fd.set('device', device);
      if (busy && fd.get('key') === busy.key && !d.timeout) d.timeout = 15000;  // a hung scan must not stall the rest
    });
    document.addEventListener('htmx:afterRequest', function (e) {
      var d = e.detail, status = d.xhr ? d.xhr.status : 0;
      var key = d.requestConfig && d.requestConfig.formData && d.requestConfig.formData.get('key');
      if (busy && key && key === busy.key) { busy.status = status; return; }
      // A quantity (or a weight) was taken: the next scan goes to the scan box, not into the new
      // number box that htmx gave the focus back to. A field the answer asks for (autofocus) keeps it.
      // (requestConfig.elt: d.elt is where the event was told, a parent when the form was swapped out.)
      var src = d.requestConfig && d.requestConfig.elt, a = document.activeElement, inp = scanInput();
      if (src && src.tagName === 'FORM' && !src.matches('[data-scan-form]') && src.querySelector('input[type=number]') &&
          inp && a !== inp && !(a && a.hasAttribute('autofocus') && isField(a))) inp.focus({ preventScroll: true });
      if (status === 0) {
        httpDown = true;
        if (d.requestConfig && d.requestConfig.verb !== 'get') feedback('warning', msg('unsent'), 'warning');
      }
      else if (status < 500) httpDown = false;
      showNet();
    });
    document.addEventListener('htmx:beforeSwap', function (e) {
      // The session ran out: the answer is the sign-in page; go there rather than swap it into the prompt.
      var x = e.detail.xhr, login = body.getAttribute('data-login');
      if (login && x && x.responseURL && new URL(x.responseURL).pathname === login && location.pathname !== login) {
        e.detail.shouldSwap = false;
        location.href = x.responseURL;
      }
    });
    document.addEventListener('htmx:afterSwap', afterSwap);
    document.addEventListener('htmx:afterSettle', afterSwap);
    document.addEventListener('htmx:afterSettle', shown);
  }
  function afterSwap() {
    if (armed && !armed.btn.isConnected) disarm();
    playFeedback(); refocus();
  }

  /* ---------- Feedback: sound + vibration ---------- */
  var ctx = null;
  function audio() {
    var A = window.AudioContext || window.webkitAudioContext;
    if (!ctx && A) ctx = new A();
    if (ctx && ctx.state === 'suspended') ctx.resume().catch(function () {});
    return ctx;
  }
  ['pointerdown', 'keydown', 'touchend'].forEach(function (t) { document.addEventListener(t, audio, { capture: true, passive: true }); });

  // [notes: [Hz, ms, wave]], vibration pattern — each cue distinct by ear and by hand.
  var SOUNDS = {
    ok: [[[1760, 90]], [40]],
    line: [[[1320, 100], [1760, 140]], [40, 60, 40]],
    document: [[[880, 110], [1175, 110], [1568, 220]], [40, 50, 40, 50, 120]],
    warning: [[[660, 260, 'triangle']], [180]],
    error: [[[140, 320, 'sawtooth']], [350]],
    // Picking's three wrong scans, told apart without looking: falling, rising, three short.
    wrong_bin: [[[300, 140, 'sawtooth'], [140, 260, 'sawtooth']], [120, 60, 300]],
    wrong_item: [[[140, 200, 'sawtooth'], [440, 120, 'sawtooth']], [300, 60, 100]],
    wrong_tote: [[[200, 110, 'sawtooth'], [200, 110, 'sawtooth'], [200, 110, 'sawtooth']], [90, 50, 90, 50, 90]],
    supervisor: [[[140, 180, 'sawtooth'], [140, 180, 'sawtooth']], [180, 100, 180]]
  };
  function play(c, notes) {
    var t = c.currentTime + 0.01;
    notes.forEach(function (n) {
      var o = c.createOscillator(), g = c.createGain(), d = n[1] / 1000;
      o.type = n[2] || 'square';
      o.frequency.value = n[0];
      g.gain.setValueAtTime(0.0001, t);
      g.gain.exponentialRampToValueAtTime(0.6, t + 0.01);
      g.gain.setValueAtTime(0.6, t + d - 0.02);
      g.gain.exponentialRampToValueAtTime(0.0001, t + d);
      o.connect(g); g.connect(c.destination);
      o.start(t); o.stop(t + d + 0.02);
      t += d + 0.06;
    });
  }
  function sound(name) {
    var s = SOUNDS[name];
    if (!s) return;
    var c = audio();
    if (c && c.state === 'running') play(c, s[0]);
    else if (c) { var at = Date.now(); c.resume().then(function () { if (Date.now() - at < 250) play(c, s[0]); }, function () {}); }
    var ua = navigator.userActivation;  // Chrome refuses (and logs) a vibration before the first touch
    if (navigator.vibrate && (!ua || ua.hasBeenActive)) navigator.vibrate(s[1]);
    document.dispatchEvent(new CustomEvent('floor:sound', { detail: name }));  // for a visual flash, and tests
  }
  function playFeedback() {
    var fb = document.getElementById('feedback');
    if (!fb || fb._played) return;
    fb._played = true;
    sound(fb.getAttribute('data-sound'));
  }
  var ICONS = { ok: '✔', warning: '⚠', error: '✖' };
  function feedback(kind, text, cue) {
    var fb = document.getElementById('feedback');
    if (!fb) {
      var form = (scanInput() || {}).form;
      if (!form) return sound(cue);
      fb = document.createElement('div');
      fb.id = 'feedback'; fb.setAttribute('role', 'status'); fb.setAttribute('aria-live', 'assertive');
      form.after(fb);
    }
    fb.className = 'feedback feedback-' + kind;
    fb.setAttribute('data-sound', cue);
    var icon = document.createElement('span');
    icon.className = 'icon'; icon.setAttribute('aria-hidden', 'true'); icon.textContent = ICONS[kind];
    fb.replaceChildren(icon, ' ' + text);
    fb._played = true;
    sound(cue);
  }

  /* ---------- Camera: BarcodeDetector where the browser has it ---------- */
  var camera = null;
  var canRead = 'BarcodeDetector' in window && !!(navigator.mediaDevices && navigator.mediaDevices.getUserMedia);
  function showCameraButtons() {
    if (canRead) document.querySelectorAll('[data-camera][hidden]').forEach(function (b) { b.hidden = false; });
  }
  document.addEventListener('htmx:load', showCameraButtons);

  function openCamera(inp) {
    if (camera || !inp || !canRead) return;
    var box = document.createElement('div'), video = document.createElement('video');
    var close = document.createElement('button'), hint = document.createElement('p');
    box.className = 'camera'; box.setAttribute('role', 'dialog'); box.setAttribute('aria-modal', 'true');
    video.muted = true; video.setAttribute('playsinline', '');
    close.type = 'button'; close.className = 'btn btn-primary'; close.textContent = msg('close') || '×';
    close.addEventListener('click', function () { closeCamera(); refocus(); });
    hint.textContent = msg('camera');
    box.append(video, close, hint);
    body.appendChild(box);
    camera = { box: box, stream: null };
    var mine = camera;
    navigator.mediaDevices.getUserMedia({ video: { facingMode: { ideal: 'environment' } }, audio: false })
      .then(function (stream) {
        if (camera !== mine) { stream.getTracks().forEach(function (t) { t.stop(); }); throw null; }
        mine.stream = stream; video.srcObject = stream;
        return video.play();
      })
      .then(function () { return window.BarcodeDetector.getSupportedFormats ? BarcodeDetector.getSupportedFormats() : []; })
      .then(function (formats) {
        var detector = formats.length ? new BarcodeDetector({ formats: formats }) : new BarcodeDetector();
        (function tick() {
          if (camera !== mine) return;
          detector.detect(video).then(function (codes) {
            if (camera !== mine) return;
            if (!codes.length) return setTimeout(tick, 120);
            closeCamera();
            inp.value = codes[0].rawValue;
            finish(inp, 'camera');
            refocus();
          }, function () { setTimeout(tick, 250); });
        })();
      })
      .catch(function (err) {
        if (camera !== mine) return;
        closeCamera();
        refocus();
        if (err) feedback('error', msg('nocamera'), 'error');
      });
  }
  function closeCamera() {
    if (!camera) return;
    if (camera.stream) camera.stream.getTracks().forEach(function (t) { t.stop(); });
    camera.box.remove();
    camera = null;
  }

  /* ---------- Connection: navigator.onLine + a websocket that answers ping ---------- */
  var ws = null, wsDelay = 1000, wsOpened = false, pingTimer = 0, pongTimer = 0;
  function connect() {
    var path = body.getAttribute('data-ws');
    if (!path || !window.WebSocket) return;
    ws = new WebSocket((location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + path);
    ws.onopen = function () {
      wsOpened = true; wsDown = false; wsDelay = 1000;
      watched = {};  // a new connection watches nothing yet
      showNet(); retryNow(true); ping(); watchAll();
    };
    ws.onmessage = function (e) {
      var m;
      try { m = JSON.parse(e.data); } catch (err) { return; }
      if (m.type === 'pong') { clearTimeout(pongTimer); return; }
      document.dispatchEvent(new CustomEvent('floor:event', { detail: m }));
      if (m.type === 'changed' && String(m.by) !== body.getAttribute('data-user')) changedElsewhere(m.document);
    };
    ws.onclose = function (e) {
      clearTimeout(pingTimer); clearTimeout(pongTimer);
      ws = null;
      if (e.code === 4401 || leaving) return;  // signed out: nothing to listen to
      // A server without websockets never opens one: that is not "offline".
      if (wsOpened) { wsDown = true; showNet(); }
      setTimeout(connect, wsDelay + Math.random() * 500);
      wsDelay = Math.min(wsDelay * 2, 30000);
    };
  }
  /* Documents on screen that others work on too ([data-watch="receipt:12"]): the server tells
     when someone else changed one, and the element asks for its fresh self (hx-trigger="floor:changed"). */
  var watched = {};
  function watchAll() {
    if (!ws || ws.readyState !== 1) return;
    var els = document.querySelectorAll('[data-watch]');
    for (var i = 0; i < els.length; i++) {
      var doc = els[i].getAttribute('data-watch');
      if (!watched[doc]) { watched[doc] = true; ws.send(JSON.stringify({ type: 'watch', document: doc })); }
    }
  }
  function changedElsewhere(doc) {
    var els = document.querySelectorAll('[data-watch]');
    for (var i = 0; i < els.length; i++) {
      if (els[i].getAttribute('data-watch') === doc && window.htmx) window.htmx.trigger(els[i], 'floor:changed');
    }
  }
  document.addEventListener('htmx:afterSettle', watchAll);
  function ping() {
    clearTimeout(pingTimer);
    pingTimer = setTimeout(function () {
      if (!ws || ws.readyState !== 1) return;
      ws.send('{"type":"ping"}');
      pongTimer = setTimeout(function () {  // a silent link is a dead link: say so now, not after the close
        wsDown = true; showNet();
        if (ws) ws.close();
      }, 5000);
      ping();
    }, 25000);
  }
  window.addEventListener('pagehide', function () { leaving = true; if (ws) ws.close(); });

  /* ---------- Service worker: the shell works offline ---------- */
  function registerWorker() {
    var sw = body.getAttribute('data-sw');
    if (!sw || !('serviceWorker' in navigator)) return;
    navigator.serviceWorker.register(sw, { scope: '/' })
      .then(function () { return navigator.serviceWorker.ready; })
      .then(function (reg) {
        var urls = [];
        document.querySelectorAll('link[rel=stylesheet][href],link[rel=icon][href],script[src]').forEach(function (el) { urls.push(el.href || el.src); });
        if (reg.active) reg.active.postMessage({ type: 'shell', urls: urls, offline: msg('offline-page'), retry: msg('retry'), label: net && net.getAttribute('data-offline'), lang: document.documentElement.lang });
      })
      .catch(function () { /* no worker (plain http): pages still work online */ });
  }

  window.Floor = { sound: sound, pauseMs: pauseMs, device: device, uuid: uuid, refocus: refocus };
  showCameraButtons();
  showNet();
  shown();
  refocus();
  playFeedback();
  connect();
  if (document.readyState === 'complete') registerWorker(); else window.addEventListener('load', registerWorker);
})();
