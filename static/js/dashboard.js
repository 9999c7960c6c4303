/* The floor dashboard (floor/dashboard): its panels redraw when the floor changes, as the
   websocket says ("changed" for "floor:<warehouse>", coalesced by the server too), at most once a
   second with the burst's last change included. The message brings the panels drawn
   (floor/dashboard/drawing.py); without them the page asks for them as of that change. A quiet
   floor still redraws every QUIET_MS (idle times and ages move on). While the supervisor types a
   reason or has a dismissal open, the redraw waits: it would wipe what they are doing. Cut off,
   the page says since when it is stale; back, it catches up at once, without a reload. */
function floorDashboard() {
  'use strict';
  var live = document.querySelector('[data-dashboard]');
  if (!live || !window.htmx) return;
  var EVERY_MS = 1000, QUIET_MS = 30000;
  var last = Date.now(), timer = 0, busy = false, again = false, since = 0;
  var drawn = null, drawnAt = 0;  // the newest panels a message brought, and as of when

  var acting = 0;  // a supervisor's action on its way: its answer redraws the panels, with what it did
  live.addEventListener('htmx:beforeRequest', function (e) { if (e.detail.requestConfig.verb === 'post') acting++; });
  live.addEventListener('htmx:afterRequest', function (e) { if (e.detail.requestConfig.verb === 'post') acting--; });
  function working() {  // the supervisor is in the middle of an action on the panels
    var at = document.activeElement;
    return acting > 0 || !!live.querySelector('details[open]') ||
      !!(at && at !== document.body && live.contains(at) && at.matches('input, textarea, select'));
  }
  function redraw() {
    timer = 0;
    if (busy) { again = true; return; }
    if (working()) { soon(); return; }
    last = Date.now();
    if (drawn !== null && drawnAt >= since) {
      htmx.swap(live, drawn, { swapStyle: 'innerHTML' });
      drawn = null;
      quiet();
      return;
    }
    busy = true;
    // As of the newest change heard of: every dashboard of the warehouse shares one drawing of it.
    var url = live.getAttribute('data-dashboard') + (since ? '?since=' + since : '');
    var asked = htmx.ajax('GET', url, { target: live, swap: 'innerHTML' });
    if (asked && asked.then) asked.then(done, done); else done();
  }
  function done() {
    busy = false;
    quiet();
    if (again) { again = false; soon(); }
  }
  function soon() {
    if (timer) return;
    timer = setTimeout(redraw, Math.max(0, last + EVERY_MS - Date.now()));
  }
  var quietTimer = 0;
  function quiet() {
    clearTimeout(quietTimer);
    quietTimer = setTimeout(function () { drawn = null; soon(); }, QUIET_MS);
  }
  quiet();
  document.addEventListener('floor:event', function (e) {
    var m = e.detail || {};
    if (m.type !== 'changed' || m.document !== live.getAttribute('data-watch')) return;
    if (m.at > since) since = m.at;
    if (typeof m.panels === 'string' && m.at >= drawnAt) { drawn = m.panels; drawnAt = m.at; }
    soon();
  });

  var net = document.getElementById('net'), stale = document.querySelector('[data-stale]');
  if (!net || !stale) return;
  var off = false;
  function watchNet() {
    var now = net.getAttribute('data-state') === 'offline';
    if (now && !off) {
      var at = new Date();
      stale.textContent = stale.getAttribute('data-stale') + ' ' + at.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' });
      stale.hidden = false;
    } else if (!now && off) {
      stale.hidden = true;
      drawn = null;  // what happened meanwhile, asked for now
      soon();
    }
    off = now;
  }
  new MutationObserver(watchNet).observe(net, { attributes: true, attributeFilter: ['data-state'] });
}
// Deferred scripts run in order, this one before htmx's: start once they all have.
document.addEventListener('DOMContentLoaded', floorDashboard);
