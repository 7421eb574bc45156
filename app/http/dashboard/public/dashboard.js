// berth dashboard enhancements: live logs and live page state over SSE, copy buttons. Everything works without it.
(function () {
  'use strict';

  function append(pre, text) {
    var nearBottom = pre.scrollTop + pre.clientHeight >= pre.scrollHeight - 30;
    pre.appendChild(document.createTextNode(text + '\n'));
    if (nearBottom) pre.scrollTop = pre.scrollHeight;
  }

  // A build's log: the server replays it from the first line, so the stored copy is cleared on open.
  function followBuild(pre) {
    var source = new EventSource(pre.getAttribute('data-stream'));
    var fresh = true;
    var section = pre.closest('section') || document;
    var badge = section.querySelector('[data-build-status]') || document.querySelector('[data-build-status]');
    source.addEventListener('open', function () { if (fresh) { pre.textContent = ''; fresh = false; } });
    source.addEventListener('line', function (e) {
      if (fresh) { pre.textContent = ''; fresh = false; }
      append(pre, JSON.parse(e.data));
    });
    source.addEventListener('end', function (e) {
      source.close();
      var end = JSON.parse(e.data);
      pre.setAttribute('data-ended', end.status);
      if (badge) { badge.textContent = end.status; badge.className = 'status status-build-' + end.status; }
      var done = section.querySelector('[data-build-done]');
      if (done) done.hidden = false;
    });
  }

  // Runtime logs: live lines with a process filter and a pause button.
  function followRuntime(pre) {
    function text(line) { return line.text !== undefined ? line.process + ': ' + line.text : line; }
    var controls = document.querySelector('[data-log-controls]');
    var filter = document.querySelector('[data-log-filter]');
    var pause = document.querySelector('[data-log-pause]');
    var paused = false;
    var held = [];
    var source = null;
    if (controls) controls.hidden = false;
    function open() {
      if (source) source.close();
      var url = pre.getAttribute('data-stream-runtime') + (filter && filter.value ? '?process=' + encodeURIComponent(filter.value) : '');
      source = new EventSource(url);
      var fresh = true;
      // The stream starts with the recent lines the page already shows: replace them, once.
      source.addEventListener('line', function (e) {
        if (fresh) { pre.textContent = ''; fresh = false; }
        var line = JSON.parse(e.data);
        if (!paused) { append(pre, text(line)); return; }
        // Held lines are counted on the button and kept in its data-held attribute (what the e2e test reads).
        held.push(line);
        pause.textContent = 'Resume (' + held.length + ' new)';
        pause.setAttribute('data-held', held.map(text).join('\n'));
      });
    }
    if (filter) filter.addEventListener('change', open);
    if (pause) pause.addEventListener('click', function () {
      paused = !paused;
      pause.setAttribute('aria-pressed', String(paused));
      pause.textContent = paused ? 'Resume' : 'Pause';
      if (!paused) { held.forEach(function (l) { append(pre, text(l)); }); held = []; pause.removeAttribute('data-held'); }
    });
    open();
  }

  // Live page state: the server sends a key of what the page shows (status, release, newest job per
  // app); when it differs from the one the page was rendered with, the page fetches itself and swaps
  // its [data-live] regions (status, banner, crash card, releases, builds, the overview's table), so
  // a push started elsewhere or a crash loop shows without a reload. Forms elsewhere are untouched.
  function followState(el) {
    if (!window.EventSource || !window.fetch || !window.DOMParser) return;
    var key = el.getAttribute('data-live-key');
    var busy = false;
    var again = false;
    function refresh() {
      if (busy) { again = true; return; }
      busy = true;
      fetch(location.href, { credentials: 'same-origin' }).then(function (res) {
        if (!res.ok) throw new Error('status ' + res.status);
        return res.text();
      }).then(function (html) {
        var doc = new DOMParser().parseFromString(html, 'text/html');
        document.querySelectorAll('[data-live]').forEach(function (region) {
          var fresh = doc.querySelector('[data-live="' + region.getAttribute('data-live') + '"]');
          if (fresh) region.replaceWith(document.importNode(fresh, true));
        });
      }).catch(function () { /* the next change tries again */ }).then(function () {
        busy = false;
        if (again) { again = false; refresh(); }
      });
    }
    var source = new EventSource(el.getAttribute('data-live-stream'));
    source.addEventListener('state', function (e) {
      var next = JSON.parse(e.data).key;
      // Tests (and curious users) can see that the page is following: the body carries the last key seen.
      document.body.setAttribute('data-live-seen', next);
      if (next === key) return;
      key = next;
      refresh();
    });
  }

  function copyButtons() {
    document.querySelectorAll('[data-copy]').forEach(function (button) {
      button.addEventListener('click', function () {
        var input = document.querySelector(button.getAttribute('data-copy'));
        if (!input) return;
        var done = function () { button.textContent = 'Copied'; setTimeout(function () { button.textContent = 'Copy'; }, 1500); };
        if (navigator.clipboard && window.isSecureContext) navigator.clipboard.writeText(input.value).then(done, function () {});
        else { input.select(); try { document.execCommand('copy'); done(); } catch (err) { /* the text stays selected */ } }
      });
    });
  }

  document.addEventListener('DOMContentLoaded', function () {
    document.querySelectorAll('pre[data-stream]').forEach(followBuild);
    document.querySelectorAll('pre[data-stream-runtime]').forEach(followRuntime);
    var live = document.querySelector('[data-live-stream]');
    if (live) followState(live);
    copyButtons();
  });
})();
