/* Live unread count of notifications.
 *
 * Opens ws(s)://<host>/ws/notifications/ and updates every [data-badge="notifications"]
 * on {"type": "unread", "unread": n}. If the socket cannot open or closes, it falls back
 * to polling /api/notifications/unread-count/ every 30 seconds and whenever the page
 * becomes visible again. On the notifications page, "Mark as read" and "Mark all as read"
 * work in place (the forms still work without this script).
 */
(function () {
  "use strict";

  // Loaded by a page and by the site's layout alike: one socket per page is enough.
  if (window.portalNotificationsLoaded) { return; }
  window.portalNotificationsLoaded = true;

  var POLL_MS = 30000;
  var COUNT_URL = "/api/notifications/unread-count/";
  var pollTimer = null;
  var socket = null;

  function setBadge(count) {
    document.querySelectorAll('[data-badge="notifications"]').forEach(function (badge) {
      var visible = badge.querySelectorAll(".visually-hidden");
      // The badge reads "(3)" to screen readers: keep the hidden parentheses around the number.
      if (visible.length === 2) {
        var number = visible[0].nextSibling;
        if (number && number.nodeType === Node.TEXT_NODE) {
          number.textContent = String(count);
        } else {
          badge.insertBefore(document.createTextNode(String(count)), visible[1]);
        }
      } else {
        badge.textContent = String(count);
      }
      badge.hidden = !count;
    });
    document.dispatchEvent(new CustomEvent("notifications:unread", { detail: { unread: count } }));
  }

  function poll() {
    if (document.visibilityState === "hidden") { return; }
    fetch(COUNT_URL, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) { if (data && typeof data.unread === "number") { setBadge(data.unread); } })
      .catch(function () { /* offline: the next poll tries again */ });
  }

  function startPolling() {
    if (pollTimer !== null) { return; }
    pollTimer = window.setInterval(poll, POLL_MS);
    poll();
  }

  document.addEventListener("visibilitychange", function () {
    if (pollTimer !== null && document.visibilityState === "visible") { poll(); }
  });

  function connect() {
    if (!("WebSocket" in window)) { startPolling(); return; }
    var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
    try {
      socket = new WebSocket(scheme + window.location.host + "/ws/notifications/");
    } catch (error) {
      startPolling();
      return;
    }
    socket.addEventListener("message", function (event) {
      var data;
      try { data = JSON.parse(event.data); } catch (error) { return; }
      if (data && data.type === "unread" && typeof data.unread === "number") { setBadge(data.unread); }
    });
    socket.addEventListener("close", function () { socket = null; startPolling(); });
  }

  /* The notifications page: mark read in place. */
  function csrfToken(form) {
    var input = form.querySelector('input[name="csrfmiddlewaretoken"]');
    return input ? input.value : "";
  }

  function announce(text) {
    var status = document.querySelector("[data-notifications-status]");
    if (status) { status.textContent = text; }
  }

  function markItemRead(item) {
    item.classList.remove("notification--unread");
    var flag = item.querySelector("[data-unread-flag]");
    if (flag) { flag.remove(); }
    var form = item.querySelector("[data-notification-read]");
    if (form) { form.remove(); }
  }

  function submitInPlace(form, onDone) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var button = form.querySelector("button");
      if (button) { button.disabled = true; }
      fetch(form.action, {
        method: "POST",
        credentials: "same-origin",
        headers: { Accept: "application/json", "X-CSRFToken": csrfToken(form) },
      })
        .then(function (response) {
          if (!response.ok) { throw new Error(String(response.status)); }
          return response.json();
        })
        .then(function (data) {
          onDone();
          setBadge(data.unread);
          announce(data.detail);
        })
        .catch(function () { form.submit(); });
    });
  }

  document.querySelectorAll("[data-notification-read]").forEach(function (form) {
    submitInPlace(form, function () { markItemRead(form.closest("[data-notification]")); });
  });
  document.querySelectorAll("[data-notifications-read-all]").forEach(function (form) {
    submitInPlace(form, function () {
      document.querySelectorAll("[data-notification]").forEach(markItemRead);
      form.remove();
    });
  });

  connect();
})();
