/* The floor dashboard (floor/dashboard): its panels redraw when the floor changes, as the
   websocket says ("changed" for "floor:<warehouse>", coalesced by the server too), at most once a
   second with the burst's last change included. Cut off, it says since when it is stale; back,
   it catches up at once, without a reload. */
function floorDashboard() {
  'use strict';
  var live = document.querySelector('[data-dashboard]');
  if (!live || !window.htmx) return;
  var EVERY_MS = 1000, last = 0, timer = 0, busy = false, again = false, since = 0;

  function redraw() {
    timer = 0;
    if (busy) { again = true; return; }
    busy = true;
    last = Date.now();
    // As of the newest change heard of: every dashboard of the warehouse shares one drawing of it.
    var url = live.getAttribute('data-dashboard') + (since ? '?since=' + since : '');
    var asked = htmx.ajax('GET', url, { target: live, swap: 'innerHTML' });
    if (asked && asked.then) asked.then(done, done); else done();
  }
  function done() {
    busy = false;
    if (again) { again = false; soon(); }
  }
  function soon() {
    if (!timer) timer = setTimeout(redraw, Math.max(0, last + EVERY_MS - Date.now()));
  }
  document.addEventListener('floor:event', function (e) {
    var m = e.detail || {};
    if (m.type !== 'changed' || m.document !== live.getAttribute('data-watch')) return;
    if (m.at > since) since = m.at;
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
      soon();  // what happened meanwhile, now
    }
    off = now;
  }
  new MutationObserver(watchNet).observe(net, { attributes: true, attributeFilter: ['data-state'] });
}
// Deferred scripts run in order, this one before htmx's: start once they all have.
document.addEventListener('DOMContentLoaded', floorDashboard);
