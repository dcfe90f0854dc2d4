/* Comments in place. Without JavaScript every link and form works on its own (the "N
   comments" link opens the post page, forms post and come back to the comment). With it:
   the link becomes a button that expands the thread under the card, and the thread's
   forms are sent with fetch; the server answers with the re-rendered thread, swapped in
   and announced in its status region. Loaded once per card: the guard keeps one set of
   listeners. */
(function () {
  "use strict";
  if (window.portalComments) { return; }
  window.portalComments = true;

  var FETCH = { "X-Requested-With": "fetch" };

  function swap(thread, html) {
    var holder = document.createElement("div");
    holder.innerHTML = html.trim();
    var fresh = holder.querySelector("[data-comments-thread]");
    if (!thread || !fresh) { return null; }
    thread.innerHTML = fresh.innerHTML;
    thread.dataset.countLabel = fresh.dataset.countLabel || "";
    // A live region filled as it is inserted is often not read: fill it a moment later.
    var status = thread.querySelector("[data-comments-status]");
    if (status && status.textContent) {
      var message = status.textContent;
      status.textContent = "";
      window.setTimeout(function () { status.textContent = message; }, 100);
    }
    setUpMentions(thread);
    return thread;
  }

  // The feed's script offers @mention suggestions; textareas arriving later need it too.
  function setUpMentions(root) {
    if (typeof window.portalSetUpMentions !== "function") { return; }
    root.querySelectorAll("textarea[data-mention-input]").forEach(window.portalSetUpMentions);
  }

  function upgradeToggle(link) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = link.className + (link.classList.contains("button") ? "" : " link-button");
    button.innerHTML = link.innerHTML; // the portal's own markup: an icon and the count
    button.setAttribute("aria-expanded", "false");
    button.setAttribute("aria-controls", link.getAttribute("aria-controls"));
    button.dataset.url = link.dataset.url;
    button.dataset.fallback = link.href;
    button.dataset.commentsOpen = "";
    link.replaceWith(button);
  }

  function upgradeAll(root) {
    root.querySelectorAll("a[data-comments-toggle]").forEach(upgradeToggle);
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("button[data-comments-open]");
    if (!button) { return; }
    var slot = document.getElementById(button.getAttribute("aria-controls"));
    if (!slot) { return; }
    if (button.getAttribute("aria-expanded") === "true") {
      slot.hidden = true;
      button.setAttribute("aria-expanded", "false");
      return;
    }
    if (slot.querySelector("[data-comments-thread]")) {
      slot.hidden = false;
      button.setAttribute("aria-expanded", "true");
      return;
    }
    fetch(button.dataset.url, { credentials: "same-origin", headers: FETCH })
      .then(function (response) {
        if (!response.ok) { throw new Error(String(response.status)); }
        return response.text();
      })
      .then(function (html) {
        slot.innerHTML = html;
        setUpMentions(slot);
        slot.hidden = false;
        button.setAttribute("aria-expanded", "true");
        var textarea = slot.querySelector(".comments__form textarea");
        if (textarea) { textarea.focus(); }
      })
      .catch(function () {
        window.location.href = button.dataset.fallback;
      });
  });

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches || !form.matches("[data-comment-form]")) { return; }
    var thread = form.closest("[data-comments-thread]");
    if (!thread) { return; }
    if (form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
      event.preventDefault();
      return;
    }
    event.preventDefault();
    var buttons = form.querySelectorAll("button");
    buttons.forEach(function (b) { b.disabled = true; });
    fetch(form.action, {
      method: "POST",
      body: new FormData(form),
      credentials: "same-origin",
      headers: FETCH
    }).then(function (response) {
      if (response.status !== 200 && response.status !== 400) {
        throw new Error(String(response.status));
      }
      return response.text();
    }).then(function (html) {
      if (!swap(thread, html)) { throw new Error("no thread"); }
      var invalid = thread.querySelector("[aria-invalid='true']");
      if (invalid) { invalid.focus(); }
      var card = thread.closest("[data-post-comments]");
      var toggle = card && card.querySelector("[data-comments-open]");
      if (toggle && thread.dataset.countLabel) { toggle.textContent = thread.dataset.countLabel; }
    }).catch(function () {
      buttons.forEach(function (b) { b.disabled = false; });
      form.submit();
    });
  });

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { upgradeAll(document); });
  } else {
    upgradeAll(document);
  }
  // Cards added later (infinite scroll) bring links to upgrade too.
  new MutationObserver(function (records) {
    records.forEach(function (record) {
      record.addedNodes.forEach(function (node) {
        if (node.nodeType === 1) {
          if (node.matches("a[data-comments-toggle]")) { upgradeToggle(node); } else { upgradeAll(node); }
        }
      });
    });
  }).observe(document.documentElement, { childList: true, subtree: true });
})();
