/*
 * Workshop — small progressive enhancements for the server-rendered pages.
 *
 * Loaded with `defer` after htmx (which may be absent on some pages). Plain ES2017, no
 * dependencies, no eval, no inline styles: it only toggles classes and attributes, so it
 * works under the app's Content-Security-Policy. Every page still works without it.
 *
 * Public API: window.Workshop.csrfToken(), window.Workshop.toast(message, level).
 */
(function () {
  'use strict';

  var doc = document;
  var root = doc.documentElement;
  root.classList.add('js');

  var NAV_BREAKPOINT = '(min-width: 900px)';
  var TOAST_TIMEOUT_MS = 6000;
  var FLASH_TIMEOUT_MS = 8000;
  var LEAVE_MS = 260;

  /* htmx configuration that our CSP needs. app.js runs before DOMContentLoaded (it is
     deferred), i.e. before htmx reads its config, so this takes effect; a
     <meta name="htmx-config"> in the page still wins. */
  if (window.htmx && window.htmx.config) {
    window.htmx.config.includeIndicatorStyles = false;
    window.htmx.config.allowEval = false;
  }

  function onReady(fn) {
    if (doc.readyState === 'loading') {
      doc.addEventListener('DOMContentLoaded', fn);
    } else {
      fn();
    }
  }

  function closest(target, selector) {
    return target && target.closest ? target.closest(selector) : null;
  }

  /* ---------------------------------------------------------------- CSRF */

  function csrfToken() {
    var meta = doc.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute('content') || '' : '';
  }

  doc.addEventListener('htmx:configRequest', function (event) {
    var token = csrfToken();
    if (token && event.detail && event.detail.headers) {
      event.detail.headers['X-CSRF-Token'] = token;
    }
  });

  /* ---------------------------------------------------- icons, helpers */

  // Where the sprite lives: taken from an icon already on the page, so it follows the
  // templates if the static path ever changes.
  function spriteUrl() {
    var use = doc.querySelector('use[href*="icons.svg#"]');
    if (use) {
      return use.getAttribute('href').split('#')[0];
    }
    return '/static/icons.svg';
  }

  function icon(name) {
    var ns = 'http://www.w3.org/2000/svg';
    var svg = doc.createElementNS(ns, 'svg');
    svg.setAttribute('class', 'icon');
    svg.setAttribute('aria-hidden', 'true');
    svg.setAttribute('focusable', 'false');
    var use = doc.createElementNS(ns, 'use');
    use.setAttribute('href', spriteUrl() + '#' + name);
    svg.appendChild(use);
    return svg;
  }

  // Fade an element out (CSS .is-leaving), then remove it.
  function dismiss(el) {
    if (!el || el.classList.contains('is-leaving')) {
      return;
    }
    var hadFocus = el.contains(doc.activeElement);
    el.classList.add('is-leaving');
    var removed = false;
    var remove = function () {
      if (removed) {
        return;
      }
      removed = true;
      var parent = el.parentNode;
      if (parent) {
        parent.removeChild(el);
        // The last flash gone: drop the (now empty) container's spacing too.
        if (parent.classList && parent.classList.contains('flashes') && !parent.querySelector('.flash')) {
          parent.hidden = true;
        }
      }
      if (hadFocus) {
        var main = doc.getElementById('main');
        if (main) {
          if (!main.hasAttribute('tabindex')) {
            main.setAttribute('tabindex', '-1');
          }
          main.focus({ preventScroll: true });
        }
      }
    };
    el.addEventListener('transitionend', remove, { once: true });
    window.setTimeout(remove, LEAVE_MS + 50);
  }

  // Auto-dismiss after `ms`, but never while the pointer is over it or focus is inside.
  function dismissLater(el, ms) {
    var tries = 0;
    var attempt = function () {
      if (!el.isConnected) {
        return;
      }
      var busy = el.matches(':hover') || el.contains(doc.activeElement);
      if (busy && tries < 20) {
        tries += 1;
        window.setTimeout(attempt, 2000);
        return;
      }
      dismiss(el);
    };
    window.setTimeout(attempt, ms);
  }

  /* -------------------------------------------------------------- toasts */

  function toastContainer() {
    var box = doc.getElementById('toasts');
    if (!box) {
      box = doc.createElement('div');
      box.id = 'toasts';
      box.className = 'toasts';
      box.setAttribute('aria-live', 'polite');
      box.setAttribute('aria-relevant', 'additions');
      doc.body.appendChild(box);
    }
    if (!box.classList.contains('toasts')) {
      box.classList.add('toasts');
    }
    return box;
  }

  function toast(message, level) {
    var kind = level === 'error' || level === 'success' || level === 'warning' ? level : 'info';
    var el = doc.createElement('div');
    el.className = 'toast toast-' + kind;
    if (kind === 'error') {
      el.setAttribute('role', 'alert');
    }
    var text = doc.createElement('span');
    text.className = 'toast-text';
    text.textContent = String(message == null ? '' : message);
    var close = doc.createElement('button');
    close.type = 'button';
    close.className = 'toast-close';
    close.setAttribute('data-dismiss', '');
    close.setAttribute('aria-label', 'Dismiss notification');
    close.appendChild(icon('x'));
    el.appendChild(text);
    el.appendChild(close);
    toastContainer().appendChild(el);
    if (kind !== 'error') {
      dismissLater(el, TOAST_TIMEOUT_MS);
    }
    return el;
  }

  function responseErrorMessage(xhr) {
    var status = xhr ? xhr.status : 0;
    var fallback = 'Something went wrong (HTTP ' + status + '). Try again.';
    var body = xhr && typeof xhr.responseText === 'string' ? xhr.responseText.trim() : '';
    if (!body || body.charAt(0) === '<') {
      return fallback;
    }
    return body.length > 300 ? body.slice(0, 299) + '…' : body;
  }

  doc.addEventListener('htmx:responseError', function (event) {
    var xhr = event.detail && event.detail.xhr;
    // htmx follows HX-Redirect itself; nothing to say then.
    if (xhr && xhr.getResponseHeader && xhr.getResponseHeader('HX-Redirect')) {
      return;
    }
    toast(responseErrorMessage(xhr), 'error');
  });

  doc.addEventListener('htmx:sendError', function () {
    toast('Cannot reach the server. Check your connection and try again.', 'error');
  });

  doc.addEventListener('htmx:timeout', function () {
    toast('The server took too long to answer. Try again.', 'error');
  });

  /* -------------------------------------------------------- progress bar */

  var pending = 0;

  function progressBar() {
    var bar = doc.getElementById('progress');
    if (!bar) {
      bar = doc.createElement('div');
      bar.id = 'progress';
      bar.setAttribute('aria-hidden', 'true');
      doc.body.insertBefore(bar, doc.body.firstChild);
    }
    return bar;
  }

  function setLoading(on) {
    progressBar().classList.toggle('is-loading', on);
  }

  doc.addEventListener('htmx:beforeRequest', function () {
    pending += 1;
    setLoading(true);
  });

  doc.addEventListener('htmx:afterRequest', function () {
    pending = Math.max(0, pending - 1);
    if (pending === 0) {
      setLoading(false);
    }
  });

  // Back/forward cache: a restored page must not show a stale bar or disabled buttons.
  window.addEventListener('pageshow', function (event) {
    if (event.persisted) {
      pending = 0;
      setLoading(false);
      restoreAllSubmitButtons();
    }
  });

  /* ------------------------------------------------------------- flashes */

  var scheduledFlashes = new WeakSet();

  function scheduleFlashes(scope) {
    if (!scope || !scope.querySelectorAll) {
      return;
    }
    var selector = '.flash-success, .flash-info';
    var found = Array.prototype.slice.call(scope.querySelectorAll(selector));
    if (scope.matches && scope.matches(selector)) {
      found.push(scope);
    }
    found.forEach(function (el) {
      if (!scheduledFlashes.has(el)) {
        scheduledFlashes.add(el);
        dismissLater(el, FLASH_TIMEOUT_MS);
      }
    });
  }

  doc.addEventListener('htmx:load', function (event) {
    scheduleFlashes(event.detail && event.detail.elt);
  });

  /* ---------------------------------------------------------- mobile nav */

  var desktop = window.matchMedia ? window.matchMedia(NAV_BREAKPOINT) : null;

  function navToggles() {
    return Array.prototype.slice.call(doc.querySelectorAll('[data-toggle-nav]'));
  }

  function sidebar() {
    return doc.getElementById('sidebar') || doc.querySelector('.sidebar');
  }

  function navIsOpen() {
    return doc.body.classList.contains('nav-open');
  }

  function setNav(open, options) {
    var restoreFocus = !options || options.restoreFocus !== false;
    var wasOpen = navIsOpen();
    doc.body.classList.toggle('nav-open', open);
    navToggles().forEach(function (btn) {
      btn.setAttribute('aria-expanded', open ? 'true' : 'false');
    });
    var side = sidebar();
    if (open && !wasOpen && side) {
      var first = side.querySelector('.nav-link.is-active, .nav-link[aria-current="page"], a[href], button');
      if (first) {
        // Wait for the drawer to become visible (visibility transition) before focusing.
        window.requestAnimationFrame(function () {
          first.focus({ preventScroll: true });
        });
      }
    } else if (!open && wasOpen && restoreFocus && side && side.contains(doc.activeElement)) {
      var toggle = navToggles()[0];
      if (toggle) {
        toggle.focus();
      }
    }
  }

  function ensureBackdrop() {
    if (!navToggles().length || doc.querySelector('.sidebar-backdrop')) {
      return;
    }
    var side = sidebar();
    if (!side || !side.parentNode) {
      return;
    }
    var backdrop = doc.createElement('div');
    backdrop.className = 'sidebar-backdrop';
    backdrop.setAttribute('data-close-nav', '');
    backdrop.setAttribute('aria-hidden', 'true');
    side.parentNode.insertBefore(backdrop, side.nextSibling);
  }

  if (desktop) {
    var onBreakpoint = function (mq) {
      if (mq.matches && navIsOpen()) {
        setNav(false, { restoreFocus: false });
      }
    };
    if (desktop.addEventListener) {
      desktop.addEventListener('change', onBreakpoint);
    } else if (desktop.addListener) {
      desktop.addListener(onBreakpoint);
    }
  }

  // Keep Tab inside the open drawer (it is modal on small screens).
  function trapFocusInNav(event) {
    var side = sidebar();
    if (!side) {
      return;
    }
    var items = Array.prototype.slice.call(
      side.querySelectorAll('a[href], button:not([disabled]), input:not([disabled]), select:not([disabled]), [tabindex]:not([tabindex="-1"])')
    );
    if (!items.length) {
      return;
    }
    var first = items[0];
    var last = items[items.length - 1];
    var active = doc.activeElement;
    if (!side.contains(active)) {
      event.preventDefault();
      first.focus();
    } else if (event.shiftKey && active === first) {
      event.preventDefault();
      last.focus();
    } else if (!event.shiftKey && active === last) {
      event.preventDefault();
      first.focus();
    }
  }

  /* ------------------------------------------------ delegated UI events */

  doc.addEventListener('click', function (event) {
    var target = event.target;

    var dismissBtn = closest(target, '[data-dismiss]');
    if (dismissBtn) {
      var box = closest(dismissBtn, '.flash, .toast');
      if (box) {
        event.preventDefault();
        dismiss(box);
        return;
      }
    }

    var toggle = closest(target, '[data-toggle-nav]');
    if (toggle) {
      event.preventDefault();
      setNav(!navIsOpen());
      return;
    }

    if (closest(target, '[data-close-nav]')) {
      event.preventDefault();
      setNav(false);
      return;
    }

    // Following a link in the drawer: close it so a back/forward-cached page is clean.
    if (navIsOpen() && closest(target, '.sidebar a[href]')) {
      setNav(false, { restoreFocus: false });
    }
  });

  doc.addEventListener('keydown', function (event) {
    // A modal dialog (the idle warning) on top handles its own keys.
    if (!navIsOpen() || doc.querySelector('dialog[open]')) {
      return;
    }
    if (event.key === 'Escape' || event.key === 'Esc') {
      setNav(false);
    } else if (event.key === 'Tab' && !(desktop && desktop.matches)) {
      trapFocusInNav(event);
    }
  });

  /* --------------------------------------------------------- auto-submit */

  function submitForm(form) {
    if (typeof form.requestSubmit === 'function') {
      form.requestSubmit();   // fires "submit", so htmx and our handlers see it
    } else {
      form.submit();
    }
  }

  doc.addEventListener('change', function (event) {
    var select = closest(event.target, 'select[data-autosubmit]');
    if (select && select.form) {
      submitForm(select.form);
    }
  });

  /* ------------------------------------ confirm + double-submit guard */

  var originalContent = new WeakMap();

  function submitButtons(form) {
    var inside = Array.prototype.slice.call(
      form.querySelectorAll('button:not([type]), button[type="submit"], input[type="submit"]')
    );
    if (form.id) {
      var outside = doc.querySelectorAll(
        'button[form="' + form.id + '"]:not([type="button"]):not([type="reset"]), input[type="submit"][form="' + form.id + '"]'
      );
      inside = inside.concat(Array.prototype.slice.call(outside));
    }
    return inside.filter(function (btn) {
      return btn.form === form;
    });
  }

  function disableButton(btn, text) {
    if (!originalContent.has(btn)) {
      originalContent.set(btn, btn.tagName === 'INPUT' ? btn.value : btn.innerHTML);
    }
    btn.disabled = true;
    btn.setAttribute('aria-disabled', 'true');
    btn.classList.add('is-submitting');
    if (text) {
      if (btn.tagName === 'INPUT') {
        btn.value = text;
      } else {
        btn.textContent = text;
      }
    }
  }

  function restoreButton(btn) {
    if (!originalContent.has(btn)) {
      return;
    }
    var original = originalContent.get(btn);
    originalContent.delete(btn);
    if (btn.tagName === 'INPUT') {
      btn.value = original;
    } else {
      btn.innerHTML = original;
    }
    btn.disabled = false;
    btn.removeAttribute('aria-disabled');
    btn.classList.remove('is-submitting');
  }

  function restoreForm(form) {
    submitButtons(form).forEach(restoreButton);
    form.removeAttribute('aria-busy');
  }

  function restoreAllSubmitButtons() {
    Array.prototype.forEach.call(doc.querySelectorAll('form[data-submitting-text]'), restoreForm);
  }

  function isHtmxForm(form) {
    return form.matches('[hx-get],[hx-post],[hx-put],[hx-patch],[hx-delete],' +
      '[data-hx-get],[data-hx-post],[data-hx-put],[data-hx-patch],[data-hx-delete]') ||
      !!closest(form, '[hx-boost="true"],[data-hx-boost="true"]');
  }

  // Capture phase on document: runs before htmx's own submit listener on the form, so a
  // cancelled confirm() stops the htmx request too.
  doc.addEventListener('submit', function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement)) {
      return;
    }

    var message = form.getAttribute('data-confirm');
    if (message && !window.confirm(message)) {
      event.preventDefault();
      event.stopPropagation();
      return;
    }

    if (!form.hasAttribute('data-submitting-text')) {
      return;
    }
    var text = form.getAttribute('data-submitting-text');
    var submitter = event.submitter || null;
    // Disable after the event: a disabled submitter would be left out of the form data.
    window.setTimeout(function () {
      if (event.defaultPrevented && !isHtmxForm(form)) {
        return;   // someone else cancelled a normal submission
      }
      var buttons = submitButtons(form);
      buttons.forEach(function (btn) {
        var isMain = submitter ? btn === submitter : btn === buttons[0];
        disableButton(btn, isMain ? text : '');
      });
      form.setAttribute('aria-busy', 'true');
      // A response that does not leave the page (a file download, say) must not leave the
      // form dead for good.
      window.setTimeout(function () {
        if (form.isConnected) {
          restoreForm(form);
        }
      }, 20000);
    }, 0);
  }, true);

  // htmx forms stay on the page: give the buttons back when the request is over.
  doc.addEventListener('htmx:afterRequest', function (event) {
    var elt = event.detail && event.detail.elt;
    var xhr = event.detail && event.detail.xhr;
    if (xhr && xhr.getResponseHeader && xhr.getResponseHeader('HX-Redirect')) {
      return;   // leaving the page
    }
    var form = elt && (elt.tagName === 'FORM' ? elt : elt.form || closest(elt, 'form'));
    if (form && form.hasAttribute('data-submitting-text') && form.isConnected) {
      restoreForm(form);
    }
  });

  /* ------------------------------------------------------- idle timeout */

  function initIdleTimeout() {
    var body = doc.body;
    var idleSeconds = parseInt(body.getAttribute('data-idle-seconds') || '', 10);
    var keepaliveUrl = body.getAttribute('data-keepalive-url');
    var logoutUrl = body.getAttribute('data-logout-url');
    var expiredUrl = body.getAttribute('data-expired-url');
    if (!(idleSeconds > 0) || !keepaliveUrl || !logoutUrl || !expiredUrl) {
      return;
    }

    var STORAGE_KEY = 'workshop.lastActivity';
    var ACTIVITY_EVENTS = ['mousemove', 'mousedown', 'keydown', 'scroll', 'touchstart', 'wheel'];
    var idleMs = idleSeconds * 1000;
    var warnMs = Math.min(60, Math.floor(idleSeconds / 2)) * 1000;   // the spec's one minute
    var KEEPALIVE_EVERY_MS = 60 * 1000;
    var ACTIVITY_DEBOUNCE_MS = 1000;

    var dialog = doc.getElementById('idle-dialog');
    var lastActivity = Date.now();
    var lastKeepalive = Date.now();   // loading this page just refreshed the session
    var lastRecorded = 0;
    var keepaliveInFlight = false;
    var ending = false;
    var timer = null;

    function readShared() {
      try {
        var value = parseInt(window.localStorage.getItem(STORAGE_KEY) || '', 10);
        return isFinite(value) ? value : 0;
      } catch (e) {
        return 0;   // storage disabled: this tab just goes by its own activity
      }
    }

    function writeShared(time) {
      try {
        window.localStorage.setItem(STORAGE_KEY, String(time));
      } catch (e) {
        /* ignore */
      }
    }

    function dialogOpen() {
      return !!(dialog && dialog.open);
    }

    function openDialog() {
      if (!dialog || dialog.open) {
        return;
      }
      if (typeof dialog.showModal === 'function') {
        try {
          dialog.showModal();
          return;
        } catch (e) {
          /* fall through */
        }
      }
      dialog.setAttribute('open', '');
    }

    function closeDialog() {
      if (!dialog || !dialog.open) {
        return;
      }
      if (typeof dialog.close === 'function') {
        dialog.close();
      } else {
        dialog.removeAttribute('open');
      }
    }

    function setCountdown(seconds) {
      var scope = dialog || doc;
      Array.prototype.forEach.call(scope.querySelectorAll('[data-idle-countdown]'), function (el) {
        var text = String(seconds);
        if (el.textContent !== text) {
          el.textContent = text;
        }
      });
    }

    function expire() {
      if (ending) {
        return;
      }
      ending = true;
      window.location.assign(expiredUrl);
    }

    function sendKeepalive(force) {
      var now = Date.now();
      if (ending || keepaliveInFlight || (!force && now - lastKeepalive <= KEEPALIVE_EVERY_MS)) {
        return;
      }
      keepaliveInFlight = true;
      lastKeepalive = now;
      window.fetch(keepaliveUrl, {
        credentials: 'same-origin',
        cache: 'no-store',
        headers: { 'X-Requested-With': 'fetch' }
      }).then(function (response) {
        if (response.status === 401) {
          expire();
        }
      }).catch(function () {
        /* offline for a moment: the next activity tries again */
        lastKeepalive = 0;
      }).then(function () {
        keepaliveInFlight = false;
      });
    }

    function recordActivity(force) {
      if (ending) {
        return;
      }
      // While the warning is up only "Stay signed in" counts, so a stray mouse move over
      // the backdrop does not silently cancel it.
      if (dialogOpen() && !force) {
        return;
      }
      var now = Date.now();
      if (!force && now - lastRecorded < ACTIVITY_DEBOUNCE_MS) {
        return;
      }
      lastRecorded = now;
      lastActivity = now;
      writeShared(now);
      sendKeepalive(false);
    }

    function logout() {
      if (ending) {
        return;
      }
      ending = true;
      window.clearInterval(timer);
      var done = function () {
        window.location.assign(expiredUrl);
      };
      var headers = { 'X-CSRF-Token': csrfToken(), 'X-Requested-With': 'fetch' };
      window.fetch(logoutUrl, {
        method: 'POST',
        credentials: 'same-origin',
        redirect: 'manual',
        headers: headers
      }).then(done, done);
    }

    function tick() {
      if (ending) {
        return;
      }
      var now = Date.now();
      var shared = readShared();
      // Another tab saw the user. (A time in the future is ignored: it would keep the
      // session open for ever.)
      if (shared > lastActivity && shared <= now + 5000) {
        lastActivity = shared;
      }
      var left = idleMs - (now - lastActivity);
      if (left <= 0) {
        setCountdown(0);
        logout();
      } else if (left <= warnMs) {
        setCountdown(Math.ceil(left / 1000));
        openDialog();
      } else if (dialogOpen()) {
        closeDialog();
      }
    }

    function stay() {
      recordActivity(true);
      sendKeepalive(true);
      closeDialog();
    }

    ACTIVITY_EVENTS.forEach(function (name) {
      window.addEventListener(name, function () {
        recordActivity(false);
      }, { passive: true, capture: true });
    });

    window.addEventListener('storage', function (event) {
      if (event.key === STORAGE_KEY) {
        tick();
      }
    });

    doc.addEventListener('visibilitychange', function () {
      if (!doc.hidden) {
        tick();
      }
    });

    doc.addEventListener('click', function (event) {
      if (closest(event.target, '[data-idle-stay]')) {
        event.preventDefault();
        stay();
      } else if (closest(event.target, '[data-idle-logout]')) {
        event.preventDefault();
        logout();
      }
    });

    if (dialog) {
      // Escape on the warning means "I'm here".
      dialog.addEventListener('cancel', function (event) {
        event.preventDefault();
        stay();
      });
    }

    // This page load is activity too (and tells the other tabs).
    lastActivity = Date.now();
    writeShared(lastActivity);
    timer = window.setInterval(tick, 1000);
  }

  /* --------------------------------------------------------------- start */

  onReady(function () {
    progressBar();
    ensureBackdrop();
    navToggles().forEach(function (btn) {
      if (!btn.hasAttribute('aria-expanded')) {
        btn.setAttribute('aria-expanded', 'false');
      }
    });
    scheduleFlashes(doc.body);
    initIdleTimeout();
  });

  window.Workshop = Object.assign(window.Workshop || {}, {
    csrfToken: csrfToken,
    toast: toast
  });
})();
