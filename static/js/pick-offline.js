/* Picking goes on where the Wi-Fi does not reach (issue 27). The device keeps the task — the JSON
   the pick page carries (#pick-offline) or /pick/offline.json, floor/picking/offline.py — and checks
   a scan made offline against the current stop as floor/picking/stop.py does, in the server's own
   words and sounds, and the prompt moves on. What it cannot decide here (a tote to bind, a lot
   other than the one suggested, a short, Undo of a put, a code it does not know) it leaves to the
   server: null, and the scan waits to be checked when the network is back.

   Its copy holds while it agrees with the server: every scan, online too, is worked out here as
   well and goes with the mark of where the device expects the picker to be after it; each answer's
   #screen carries the server's (data-pick). Where they differ (after a button, or a scan the device
   could not decide), the answer carries the task again. Plain JS, no build step. */
(function () {
  'use strict';
  var Floor = window.Floor, source = document.getElementById('pick-offline');
  if (!Floor || !source) return;

  var T = null;          // the task as the server gave it: stops, items, orders, words
  var S = null;          // where the picker is, worked out here: step, stop, quantity, lot, stops open
  var broken = true;     // S no longer follows the server: ask for the task again
  var pending = [];      // the scans on their way, in order: {code, mark expected or null, changes}
  var current = null;    // the scan being made, worked out once whoever asks first (the box, offlineCheck)
  var asking = false;

  var has = function (o, k) { return !!o && Object.prototype.hasOwnProperty.call(o, k); };
  var GS = '\x1d';
  // What Python's str.strip() takes off (parser._clean), the AIM symbology prefix, unreadable input.
  var SPACE = '[\\t\\n\\x0b\\x0c\\r\\x1c-\\x1f \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]';
  var TRIM = new RegExp('^' + SPACE + '+|' + SPACE + '+$', 'g');
  var AIM = /^\][A-Za-z][0-9A-Za-z]/;
  var UNREADABLE = /[\x00-\x1c\x1e\x1f\x7f-\x9f]|[\ud800-\udfff]/u;
  var GS_STAND_INS = /<GS>|\[GS\]|\{GS\}|<FNC1>|\^\]|\u241d/gi;
  var GS1_SYMBOLOGIES = [']C1', ']e0', ']e1', ']e2', ']d2', ']Q3', ']J1'];
  var COMMAND = /^CMD-(DONE|UNDO|SKIP|PROBLEM|QTY|CANCEL|EMPTY)$/;
  var UNSURE = 'unsure';
  var MOST = 1000000000;  // a million units, in thousandths: more than one scan may stand for
  var BANDS = { ok: 'ok', line: 'ok', document: 'ok', warning: 'warning' };

  /* ---------- Quantities, in thousandths (the ledger's precision), written as qty() writes them ---------- */
  function milli(text) {
    var p = String(text).split('.');
    return parseInt(p[0], 10) * 1000 + parseInt(((p[1] || '') + '000').slice(0, 3), 10);
  }
  function plain(m) {
    var part = String(m % 1000 + 1000).slice(1).replace(/0+$/, '');
    return Math.floor(m / 1000) + (part ? '.' + part : '');
  }
  function qty(m) {
    var n = T.number, p = plain(m).split('.'), whole = p[0], grouped = '';
    if (n.thousand && n.grouping > 0) {
      while (whole.length > n.grouping) { grouped = n.thousand + whole.slice(-n.grouping) + grouped; whole = whole.slice(0, -n.grouping); }
    }
    return whole + grouped + (p[1] ? n.decimal + p[1] : '');
  }
  // The server's words with their placeholders filled, as Python's % fills them.
  function fill(text, values) {
    return text.replace(/%\((\w+)\)s|%%/g, function (all, name) { return name ? String(values[name]) : '%'; });
  }
  // parser.readable(): what a message shows of a code, short, nothing invisible.
  function readable(code) {
    var chars = Array.from(code), shown = chars.slice(0, 24).map(function (c) {
      var n = c.codePointAt(0);
      if (c === GS) return '<GS>';
      return n < 32 || (n >= 127 && n <= 160) ? '<U+' + ('000' + n.toString(16).toUpperCase()).slice(-4) + '>' : c;
    }).join('');
    return chars.length > 24 ? shown + '…' : shown;
  }

  /* ---------- What a scan is, as far as the device knows (floor/scanning/parser.py) ---------- */
  function checkDigitOk(d) {
    var total = 0;
    for (var i = d.length - 2, w = 3; i >= 0; i--, w = 4 - w) total += +d[i] * w;
    return (10 - total % 10) % 10 === +d[d.length - 1];
  }
  function forms(gtin14) {
    var all = [gtin14];
    [13, 12, 8].forEach(function (n) { if (/^0*$/.test(gtin14.slice(0, 14 - n))) all.push(gtin14.slice(14 - n)); });
    return all;
  }
  // The GTIN-14 a GTIN-shaped code stands for; UNSURE for a UPC-E (the server expands it); null
  // for a code not GTIN-shaped; [] for a bad check digit.
  function gtins(code, sym) {
    if (GS1_SYMBOLOGIES.indexOf(sym) >= 0 || [8, 12, 13, 14].indexOf(code.length) < 0 || !/^[0-9]+$/.test(code)) return null;
    if (code.length === 8 && (code[0] === '0' || code[0] === '1')) return UNSURE;
    return checkDigitOk(code) ? [('00000000000000' + code).slice(-14)] : [];
  }
  function itemOf(keys) {
    for (var i = 0; i < keys.length; i++) if (has(T.codes, keys[i])) return T.codes[keys[i]];
    return null;
  }
  // A GS1 element string of the simple kind: GTIN, lot, serial, dates, count. Anything else (an
  // SSCC, a Digital Link, a label as printed in brackets, an AI not listed) is the server's to read.
  var AIS = { '01': [14], '02': [14], '11': [6], '13': [6], '15': [6], '16': [6], '17': [6], '10': [0, 20], '21': [0, 20], '30': [0, 8], '37': [0, 8] };
  function validDate(v) {
    var y = 2000 + +v.slice(0, 2), m = +v.slice(2, 4), d = +v.slice(4, 6);
    return m >= 1 && m <= 12 && d <= new Date(y, m, 0).getDate();
  }
  function gs1(code, sym) {
    if (sym && GS1_SYMBOLOGIES.indexOf(sym) < 0) return null;
    if (/^https?:\/\//i.test(code) || code.charAt(0) === '(') return null;
    var text = code.replace(GS_STAND_INS, GS).replace(/^\x1d+|\x1d+$/g, '');
    if (!/^[0-9]{2}[\x00-\x7f]*$/.test(text)) return null;
    var at = 0, found = {};
    while (at < text.length) {
      var ai = text.substr(at, 2), spec = AIS[ai], value;
      if (!spec || has(found, ai)) return null;
      at += 2;
      if (spec.length === 1) {
        value = text.substr(at, spec[0]);
        if (value.length !== spec[0] || !/^[0-9]+$/.test(value)) return null;
        at += spec[0];
        if (text.charAt(at) === GS) at++;
      } else {
        var end = text.indexOf(GS, at);
        if (end < 0) end = text.length;
        value = text.slice(at, end);
        if (!value || value.length > spec[1]) return null;
        at = end + 1;
      }
      found[ai] = value;
    }
    var gtin = found['01'] || found['02'], count = found['30'] || found['37'];
    if (!gtin || !checkDigitOk(gtin)) return null;
    for (var k in found) if (AIS[k][0] === 6 && !validDate(found[k])) return null;
    if ((has(found, '10') || has(found, '21')) && !/^[!"%-?A-Z_a-z]*$/.test((found['10'] || '') + (found['21'] || ''))) return null;
    if (count !== undefined && (!/^[0-9]+$/.test(count) || +count === 0)) return null;
    return { gtin: gtin, lot: found['10'] || null, serial: found['21'] || null, count: count === undefined ? null : +count };
  }
  // {kind, code, …} for a code the device knows; null for one it does not (the server says).
  // The scanner's framing taken off as parser._unframed does: SOH/STX before, ETX/EOT/ETB after.
  function unframed(text) {
    for (;;) {
      var stripped = text.replace(TRIM, '').replace(/^[\x01\x02]+/, '').replace(/[\x03\x04\x17]+$/, '');
      if (stripped === text) return text;
      text = stripped;
    }
  }
  function read(raw) {
    var code = unframed(String(raw)), sym = '';
    if (AIM.test(code)) { sym = code.slice(0, 3); code = unframed(code.slice(3)); }
    if (!code || UNREADABLE.test(code)) return null;
    var command = COMMAND.exec(code.toUpperCase());
    if (command) return { kind: 'command', command: command[1], code: code };
    var length = Array.from(code).length, own = length <= 64 && code.indexOf(GS) < 0;
    if (length > 512) return null;
    // Floor's own codes first, in the parser's order: tote, bin, then an item's barcode as stored.
    if (own && has(T.totes, code)) return { kind: 'tote', code: code };
    if (own && has(T.bins, code)) return { kind: 'location', code: code };
    var readings = gtins(code, sym), found = own ? itemOf([code]) : null;
    if (!found && readings && readings !== UNSURE && readings.length) found = itemOf(forms(readings[0]));
    if (found) return found[1] < MOST ? { kind: 'product', item: found[0], qty: found[1], code: code } : null;
    if (readings !== null) return null;  // an item of another task, a bad check digit, a UPC-E
    var label = gs1(code, sym), item = label && itemOf(forms(label.gtin));
    if (!item) return null;
    var units = label.count === null ? item[1] : label.count * item[1];
    if (units >= MOST) return null;
    return { kind: 'gs1', item: item[0], qty: units, lot: label.lot, serial: label.serial, code: code };
  }

  /* ---------- The checks of floor/picking/stop.py, on the device's copy ---------- */
  function yes(text, sound) { sound = sound || 'ok'; return { accept: true, kind: BANDS[sound], text: text, sound: sound }; }
  function no(text, sound) { return { accept: false, kind: 'error', text: text, sound: sound || 'error' }; }
  // What a rejection says was scanned (scanning.selectors.scanned_name).
  function said(x) {
    if (x.kind === 'location') return readable(T.bins[x.code]);
    if (x.kind === 'tote') return fill(T.words.tote, { code: readable(x.code) });
    return readable(T.items[x.item].sku);
  }
  function midStep(s) { return s.waiting === 'put' || s.waiting === 'short' || (s.waiting === 'item' && s.quantity !== null); }

  function decide(s, raw) {
    if (!T.task || s.ended || s.waiting === 'short') return null;
    var x = read(raw), stop = has(T.stopById, s.stop) ? T.stopById[s.stop] : null;
    if (x && x.kind === 'command') return command(s, x, stop);
    if (s.waiting === 'tote') return x ? bind(x) : null;
    if (!stop) return null;
    if (s.waiting === 'item' && s.quantity !== null) return label(s, x, stop, raw);
    if (!x) return null;
    if (s.waiting === 'bin') return atBin(s, x, stop);
    if (s.waiting === 'item') return item(s, x, stop);
    if (s.waiting === 'put') return put(s, x, stop);
    return null;
  }
  function command(s, x, stop) {
    var W = T.words, c = x.command;
    if (c === 'UNDO') return midStep(s) ? cancel(s) : null;  // a put taken back: the ledger's
    if (c === 'CANCEL') return cancel(s);
    if (c === 'SKIP') {
      if (s.stop === null) return no(W.bind_first);
      var rest = s.open.filter(function (id) { return id !== s.stop; });
      if (!rest.length) return T.more ? null : no(W.last_stop, 'warning');
      if (!stop) return null;
      // To the end of the path: past what the device keeps, when it keeps only the first stops.
      s.open = T.more ? rest : rest.concat([s.stop]);
      s.stop = rest[0]; s.waiting = 'bin'; s.quantity = null; s.lot = null;
      return yes(fill(W.skipped, { bin: stop.bin }), 'warning');
    }
    if (c === 'PROBLEM') return s.stop === null ? no(W.bind_first) : null;  // its panel: online
    if (c === 'QTY' && s.waiting === 'put') return yes(W.type_qty, 'warning');
    if (c === 'DONE') return null;
    return no(fill(W.does_nothing, { command: c }));
  }
  function cancel(s) {
    if (!midStep(s)) return yes(T.words.nothing_to_cancel, 'warning');
    s.waiting = 'item'; s.quantity = null; s.lot = null;
    return yes(T.words.cancelled, 'warning');
  }
  // A tote for the next order: whether a tote is free and empty is the server's to say.
  function bind(x) {
    var order = T.orders[T.unbound[0]];
    if (!order) return null;
    if (x.kind !== 'tote') return no(fill(T.words.tote_for, { order: order.ref, code: said(x) }));
    return no(fill(T.words.carries, { tote: x.code, order: T.orders[T.totes[x.code]].ref }));
  }
  function atBin(s, x, stop) {
    var W = T.words;
    if (x.kind === 'location' && x.code === stop.code) { s.waiting = 'item'; return yes(fill(W.at_bin, { bin: stop.bin })); }
    if (x.kind === 'location') return no(fill(W.wrong_bin, { bin: stop.bin, code: said(x) }), 'wrong_bin');
    return no(fill(W.bin_first, { bin: stop.bin, code: said(x) }));
  }
  function item(s, x, stop) {
    var W = T.words, it = T.items[stop.item];
    if (x.kind === 'location') {
      if (x.code === stop.code) return yes(fill(W.at_bin, { bin: stop.bin }));
      return no(fill(W.wrong_bin, { bin: stop.bin, code: said(x) }), 'wrong_bin');
    }
    if (x.kind !== 'product' && x.kind !== 'gs1') return no(fill(W.item_first, { sku: it.sku, code: said(x) }));
    if (x.item !== stop.item) return no(fill(W.wrong_item, { sku: it.sku, code: said(x) }), 'wrong_item');
    var left = s.left[stop.id], serial = it.tracking === 'serial';
    if (serial && x.qty !== 1000) return no(W.one_serial);
    // What is still to pick, unless the label says how many it holds (a GS1 count, a case code).
    var units = serial ? 1000 : x.qty !== 1000 ? x.qty : left;
    if (units <= 0) return null;
    if (units > left) return no(fill(W.only, { n: qty(left) }));
    if (it.tracking === 'none') return ready(s, stop, units, null);
    var name = serial ? x.serial : x.lot;
    if (!name) {
      s.quantity = units;
      return yes(fill(W.label, { what: serial ? W.serial : W.lot, sku: it.sku }), 'warning');
    }
    return name === stop.lot ? ready(s, stop, units, name) : null;  // another lot: is it free? the ledger's
  }
  // The lot or serial of the item scanned, from a label of its own (or its full GS1 label).
  function label(s, x, stop, raw) {
    var W = T.words, it = T.items[stop.item], serial = it.tracking === 'serial';
    if (!x) {
      // A code Floor does not know is read as the lot (stop.as_label): the one suggested, if it
      // cannot be read as anything else (a GTIN, a GS1 string, a symbology's prefix).
      var code = String(raw).replace(TRIM, '');
      var other = /^[0-9]{8}$|^[0-9]{12,14}$|^0[0-2]|^\(|^\]|^https?:|\x1d/i.test(code);
      return stop.lot !== null && code === stop.lot && !other ? ready(s, stop, s.quantity, code) : null;
    }
    var name = x.kind === 'gs1' ? (serial ? x.serial : x.lot) : null;
    if (x.kind !== 'gs1' || x.item !== stop.item || !name) {
      return no(fill(W.label_first, { what: serial ? W.serial : W.lot, sku: it.sku, code: said(x) }));
    }
    return name === stop.lot ? ready(s, stop, s.quantity, name) : null;
  }
  function ready(s, stop, units, lot) {
    s.waiting = 'put'; s.quantity = units; s.lot = lot;
    return yes(fill(T.words.ready, { qty: qty(units), sku: T.items[stop.item].sku }));
  }
  function put(s, x, stop) {
    var W = T.words, order = T.orders[stop.order];
    if (!order || !order.tote) return null;
    if (x.kind !== 'tote') return no(fill(W.tote_first, { tote: order.tote, order: order.ref, code: said(x) }));
    if (x.code !== order.tote) {
      return no(fill(W.wrong_tote, { tote: order.tote, order: order.ref, code: readable(x.code) }), 'wrong_tote');
    }
    var units = s.quantity, words = fill(W.put, { qty: qty(units), sku: T.items[stop.item].sku, tote: order.tote });
    s.left[stop.id] -= units; s.quantity = null; s.lot = null;
    if (s.left[stop.id] > 0) { s.waiting = 'item'; return yes(words); }  // more of it to come from this bin
    s.open.splice(s.open.indexOf(stop.id), 1);
    s.done++;
    var next = s.open.length ? T.stopById[s.open[0]] : null;
    if (!next) {
      if (T.more) return null;  // the rest of a long task: the server's to say
      s.ended = true; s.stop = null; s.waiting = '';
      return yes(words + ' · ' + T.finish, 'document');
    }
    // A stop in the bin the picker stands at does not ask for the bin again.
    s.stop = next.id; s.waiting = next.at === stop.at ? 'item' : 'bin';
    return yes(words, 'line');
  }

  /* ---------- The copy: loaded, followed scan by scan, checked against each answer ---------- */
  // The task as the server sends it; an answer's copy comes without the words the page gave.
  function load(data) {
    if (T && !data.words) { data.words = T.words; data.number = T.number; data.url = T.url; }
    keepTask(data);
    T = data; S = null; broken = !data.task;
    if (!data.task) return;
    T.stopById = {}; T.bins = {}; T.codes = {};
    data.stops.forEach(function (stop) {
      T.stopById[stop.id] = stop;
      if (stop.code !== null) T.bins[stop.code] = stop.bin;
    });
    Object.keys(data.items).forEach(function (id) {
      var codes = data.items[id].codes;
      Object.keys(codes).forEach(function (code) { T.codes[code] = [id, milli(codes[code])]; });
    });
    var left = {};
    data.stops.forEach(function (stop) { left[stop.id] = milli(stop.left); });
    S = {
      waiting: data.waiting, stop: data.stop, quantity: data.quantity === null ? null : milli(data.quantity),
      lot: data.lot, done: data.done, ended: false, left: left,
      open: data.stops.map(function (stop) { return stop.id; })
    };
  }
  function copy(s) {
    var c = {};
    for (var k in s) c[k] = s[k];
    c.open = s.open.slice(); c.left = {};
    for (var id in s.left) c.left[id] = s.left[id];
    return c;
  }
  function markOf(s) {
    if (!T || !T.task || !s || s.ended) return '';
    var stop = s.stop === null ? '' : s.stop;
    return [T.task, s.waiting, stop, s.quantity === null ? '' : plain(s.quantity), s.lot || '', s.done, T.total,
      stop === '' ? '' : plain(s.left[stop])].join('|');
  }
  // The verdict on a scan and the mark after it, the copy left as it is.
  function check(code) {
    if (broken || !S) return { verdict: null, mark: null };
    var s = copy(S), verdict = decide(s, code);
    return { verdict: verdict, mark: verdict ? markOf(verdict.accept ? s : S) : null, after: s };
  }
  function follow(code) {
    if (current && current.code === code) return current;
    var seen = check(code), entry = { code: code, mark: seen.mark, changes: !seen.verdict || seen.verdict.accept, verdict: seen.verdict };
    if (!seen.verdict) broken = true;  // what the server makes of it is known when it answers
    else if (seen.verdict.accept) S = seen.after;
    pending.push(entry);
    current = entry;
    setTimeout(function () { current = null; }, 0);
    keepState();
    return entry;
  }
  // A request of the pick screen leaves: the mark the device expects after it ('?': no idea, or a
  // button's), for the server to send the task again with its answer when its own differs.
  function sending(config) {
    var data = config.formData, code = data && data.get('code'), entry = null;
    for (var i = 0; code !== null && i < pending.length; i++) {
      if (pending[i].code === code && !pending[i].sent) { entry = pending[i]; break; }
    }
    if (entry) entry.sent = true;
    config.pickEntry = entry;
    data.set('mark', entry && entry.mark !== null ? entry.mark : '?');
  }
  // Its answer: the scans up to it are answered; the copy holds if the server is where the device
  // worked out, else the answer carries the task, and the scans still waiting are worked out anew.
  function answered(config, screen) {
    var entry = config && config.pickEntry, at = entry ? pending.indexOf(entry) : -1;
    var carried = screen.querySelector('script.pick-task'), mark = screen.getAttribute('data-pick') || '';
    if (at >= 0) {
      // Scans before it that never had an answer: refused here (not sent), or lost on the way.
      for (var j = 0; j < at; j++) if (pending[j].changes) broken = true;
      if (entry.mark !== mark) broken = true;
      pending.splice(0, at + 1);
    } else if (pending.length || mark !== markOf(S)) broken = true;
    if (!carried) { keepState(); return; }
    try { load(JSON.parse(carried.textContent)); } catch (e) { broken = true; return; }
    pending.forEach(function (p) {
      var seen = check(p.code);
      p.mark = seen.mark; p.verdict = seen.verdict; p.changes = !seen.verdict || seen.verdict.accept;
      if (!seen.verdict) broken = true;
      else if (seen.verdict.accept) S = seen.after;
    });
    keepState();
  }
  function quiet() { return pending.every(function (p) { return !p.changes; }); }
  // The page's copy does not agree with its screen (a page kept from before): asked for anew.
  function askIfNeeded() {
    if (!broken || asking || !quiet() || !navigator.onLine) return;
    asking = true;
    fetch(T.url, { credentials: 'same-origin', headers: { Accept: 'application/json' } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) {
        asking = false;
        // A scan sent meanwhile may or may not be in it: its answer brings the task if need be.
        if (data && quiet()) { load(data); pending = []; keepState(); }
      }, function () { asking = false; });
  }
  function screenMark() {
    var screen = document.getElementById('screen');
    return screen ? screen.getAttribute('data-pick') || '' : '';
  }

  /* ---------- The copy kept on the device ----------
     Reloaded offline, the page is the one the service worker kept (marked data-saved-copy), as it
     was when last opened: its task and prompt are from then. So the device keeps its own copy, for
     its person: the task as the server last sent it, and after every scan where the picker is and
     the scans not yet answered (scanner.js keeps those in IndexedDB and sends them when the
     network is back). A saved page takes up from that copy; a page the server made now is the
     truth, and the kept scans' answers bring the task where it differs. */
  var KEPT = 'floor.pick.' + (document.body.getAttribute('data-user') || '');
  function stash(name, value) { try { localStorage.setItem(KEPT + name, JSON.stringify(value)); } catch (e) { /* full or private: this page only */ } }
  function keepTask(data) { stash('.task', data); }
  function keepState() {
    var waiting = pending.map(function (p) { return { code: p.code, mark: p.mark, changes: p.changes, verdict: p.verdict }; });
    stash('.state', { task: T && T.task, S: S, broken: broken, pending: waiting });
  }
  function takeUp() {
    var data, state;
    try { data = JSON.parse(localStorage.getItem(KEPT + '.task')); state = JSON.parse(localStorage.getItem(KEPT + '.state')); } catch (e) { return false; }
    if (!data || !state || !data.task || state.task !== data.task) return false;
    load(data);
    S = state.S; broken = state.broken; pending = state.pending || [];
    if (S) show();
    return true;
  }

  /* ---------- The prompt, as templates/picking/_screen.jinja draws it ---------- */
  function line(cls, text) { var p = document.createElement('p'); p.className = cls; p.textContent = text; return p; }
  function show() {
    var screen = document.getElementById('screen'), prompt = screen && screen.querySelector('.prompt');
    if (!prompt) return;
    var W = T.words, title = document.getElementById('bar-title'), parts = [];
    if (S.ended) {
      parts.push(line('prompt-do', W.get_work));
      if (title) title.textContent = W.pick;
    } else {
      var stop = T.stopById[S.stop], it = T.items[stop.item], order = T.orders[stop.order];
      var units = S.quantity !== null ? S.quantity : S.left[stop.id], lot = S.lot || stop.lot, tote = order.tote || '';
      if (S.waiting === 'bin') parts.push(line('prompt-do', W.scan_bin), line('prompt-where', stop.bin));
      else if (S.waiting === 'item') {
        parts.push(line('prompt-do', S.quantity === null ? W.scan_item : it.tracking === 'serial' ? W.scan_serial : W.scan_lot), line('prompt-where', it.sku));
      } else parts.push(line('prompt-do', W.put_in), line('prompt-where', tote));
      var what = line('prompt-what', ''), strong = document.createElement('strong');
      strong.textContent = qty(units);
      what.append(strong, ' × ' + it.sku + ' ' + it.name + (lot ? ' · ' + W.lot + ' ' + lot : ''));
      var from = S.waiting === 'put' ? W.from + ' ' + stop.bin : S.waiting === 'item' ? W['in'] + ' ' + stop.bin + ' → ' + tote : '→ ' + tote;
      parts.push(what, line('prompt-from', from + ' · ' + order.ref));
      if (title) title.textContent = W.pick + ' · ' + T.task + ' · ' + S.done + '/' + T.total;
    }
    prompt.replaceChildren.apply(prompt, parts);
    screen.setAttribute('data-pick', markOf(S));
    // What the server drew under the prompt for the step before is no longer true.
    document.querySelectorAll('#more .qty, #more .undo-preview').forEach(function (el) { el.hidden = true; });
  }

  /* ---------- Wiring ---------- */
  var saved = !!document.querySelector('[data-saved-copy]');
  if (!(saved && takeUp())) {
    try { load(JSON.parse(source.textContent)); } catch (e) { return; }
    keepState();
    if (T.task && markOf(S) !== screenMark()) { broken = true; askIfNeeded(); }
  }

  // Every scan of the pick screen's box, worked out here too, in the order it is sent.
  document.addEventListener('floor:scan', function (e) {
    if (e.defaultPrevented || e.detail.duplicate || !e.target.matches('[data-scan-form]')) return;
    follow(e.detail.code);
  });
  document.addEventListener('htmx:configRequest', function (e) {
    var d = e.detail;
    if (d.verb === 'post' && d.formData && d.target && d.target.id === 'screen') sending(d);
  });
  document.addEventListener('htmx:afterSettle', function (e) {
    if (e.target && e.target.id === 'screen') answered(e.detail && e.detail.requestConfig, e.target);
  });

  /* Offline, before a scan is kept for later (scanner.js): the verdict, or null for no opinion.
     An accepted scan moves the prompt on; a refused one is not sent (a wrong scan changes
     nothing) and is taken off what the device waits to hear about. */
  Floor.offlineCheck = function (form, code) {
    var entry = follow(code), verdict = entry.verdict, at = pending.indexOf(entry);
    if (verdict && !verdict.accept) { if (at >= 0) pending.splice(at, 1); } else if (verdict && !entry.shown) { entry.shown = true; show(); }
    keepState();
    return verdict;
  };
  // Where the device's copy says the picker is (null: it waits for the server's), for the tests.
  Floor.pickOffline = { mark: function () { return broken ? null : markOf(S); } };
})();
