/* The app shell's behaviours and the design system's components. Every page works
   without JavaScript; this file only makes it smoother. No inline script or style
   anywhere (Content-Security-Policy): components are wired by data- attributes. */
(function () {
  "use strict";
  var portal = window.portal = window.portal || {};

  // Colours chosen by editors (a themed week's accent) come as data attributes and become
  // CSS custom properties here: the Content-Security-Policy forbids style attributes.
  document.querySelectorAll("[data-week-colour]").forEach(function (element) {
    element.style.setProperty("--week-colour", element.getAttribute("data-week-colour"));
  });

  var FOCUSABLE = "a[href], button:not([disabled]), input:not([disabled]):not([type=hidden]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex='-1'])";

  // ---- The navigation drawer (phones): a modal panel, focus kept inside, Escape closes.
  var nav = document.getElementById("site-nav");
  var backdrop = document.querySelector("[data-nav-backdrop]");
  var toggles = document.querySelectorAll("[data-nav-toggle]");
  var lastToggle = null;
  function drawerMode() { return window.matchMedia("(max-width: 56rem)").matches; }
  function setDrawer(open, returnFocus) {
    if (!nav) { return; }
    nav.classList.toggle("is-open", open);
    if (backdrop) { backdrop.classList.toggle("is-open", open); }
    document.body.classList.toggle("has-drawer-open", open);
    toggles.forEach(function (t) { t.setAttribute("aria-expanded", open ? "true" : "false"); });
    // The drawer stays a navigation landmark (no role=dialog): the page behind it is made
    // inert instead, and Tab goes round inside it.
    document.querySelectorAll(".topbar, #main").forEach(function (element) { element.inert = open; });
    if (open) {
      var current = nav.querySelector("[aria-current=page]") || nav.querySelector(".sidenav__link");
      if (current) { current.focus(); }
    } else {
      if (returnFocus && lastToggle) { lastToggle.focus(); }
    }
  }
  toggles.forEach(function (toggle) {
    toggle.addEventListener("click", function () {
      lastToggle = toggle;
      setDrawer(!nav.classList.contains("is-open"), true);
    });
  });
  if (backdrop) { backdrop.addEventListener("click", function () { setDrawer(false, true); }); }
  document.querySelectorAll("[data-nav-close]").forEach(function (button) {
    button.addEventListener("click", function () { setDrawer(false, true); });
  });
  if (nav) {
    nav.addEventListener("keydown", function (event) {
      if (!nav.classList.contains("is-open")) { return; }
      if (event.key === "Escape") { event.preventDefault(); setDrawer(false, true); return; }
      if (event.key === "Tab") { trapFocus(nav, event); }
    });
    window.addEventListener("resize", function () {
      if (!drawerMode() && nav.classList.contains("is-open")) { setDrawer(false, false); }
    });
  }

  function trapFocus(container, event) {
    var items = Array.prototype.filter.call(container.querySelectorAll(FOCUSABLE), function (el) {
      return el.offsetParent !== null;
    });
    if (!items.length) { return; }
    var first = items[0], last = items[items.length - 1];
    if (event.shiftKey && document.activeElement === first) { event.preventDefault(); last.focus(); }
    else if (!event.shiftKey && document.activeElement === last) { event.preventDefault(); first.focus(); }
  }
  portal.trapFocus = trapFocus;

  // ---- Dropdown menus (<details data-menu>): one open at a time, Escape and outside close.
  // Delegated, so that menus added later (infinite scroll, comments opened in place) work.
  function openMenus() { return document.querySelectorAll("details[data-menu][open]"); }
  document.addEventListener("toggle", function (event) {
    var menu = event.target;
    if (!menu.matches || !menu.matches("details[data-menu]") || !menu.open) { return; }
    openMenus().forEach(function (other) { if (other !== menu) { other.open = false; } });
  }, true);
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") { return; }
    var menu = event.target.closest && event.target.closest("details[data-menu][open]");
    if (menu) {
      event.preventDefault();
      menu.open = false;
      menu.querySelector("summary").focus();
    }
  });
  document.addEventListener("click", function (event) {
    openMenus().forEach(function (menu) {
      if (!menu.contains(event.target)) { menu.open = false; }
    });
  });

  // ---- Theme: apply the choice at once, save it without leaving the page.
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-theme-form] button[name=theme]");
    if (!button || !window.fetch) { return; }
    event.preventDefault();
    var form = button.form;
    var data = new FormData(form);
    data.set("theme", button.value);
    fetch(form.action, { method: "POST", body: data, headers: { "Accept": "application/json" }, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) { throw new Error("theme"); }
        return response.json();
      })
      .then(function (answer) {
        var root = document.documentElement;
        if (answer.theme) { root.setAttribute("data-theme", answer.theme); } else { root.removeAttribute("data-theme"); }
        var meta = document.querySelector("meta[name=color-scheme]");
        if (meta) { meta.setAttribute("content", answer.theme || "light dark"); }
        form.querySelectorAll("button[name=theme]").forEach(function (b) {
          b.setAttribute("aria-pressed", b.value === answer.theme ? "true" : "false");
        });
      })
      .catch(function () { form.submit(); });
  });

  // ---- Dialogs (<dialog>): [data-dialog-open="id"] opens, [data-dialog-close] closes.
  // showModal() makes the page inert and keeps focus inside; closing returns it.
  document.addEventListener("click", function (event) {
    var opener = event.target.closest("[data-dialog-open]");
    if (opener) {
      var dialog = document.getElementById(opener.getAttribute("data-dialog-open"));
      if (dialog && dialog.showModal) {
        event.preventDefault();
        dialog.returnFocusTo = opener;
        dialog.showModal();
      }
      return;
    }
    var closer = event.target.closest("[data-dialog-close]");
    if (closer) {
      var parent = closer.closest("dialog");
      if (parent) { parent.close(); }
    }
  });
  document.querySelectorAll("dialog.dialog").forEach(function (dialog) {
    // A modal <dialog> lets Tab wander off to the browser's own toolbar: keep it inside.
    dialog.addEventListener("keydown", function (event) {
      if (event.key === "Tab" && dialog.open) { trapFocus(dialog, event); }
    });
    dialog.addEventListener("close", function () {
      if (dialog.returnFocusTo) { dialog.returnFocusTo.focus(); }
    });
  });

  // ---- Toasts: portal.toast("Saved") shows a message in the corner for a few seconds.
  portal.toast = function (text, tone) {
    var region = document.querySelector(".toasts");
    if (!region) {
      region = document.createElement("div");
      region.className = "toasts";
      region.setAttribute("role", "status");
      region.setAttribute("aria-live", "polite");
      document.body.appendChild(region);
    }
    var toast = document.createElement("p");
    toast.className = "toast" + (tone ? " toast--" + tone : "");
    toast.textContent = text;
    region.appendChild(toast);
    window.setTimeout(function () { toast.remove(); }, 5000);
  };
  document.addEventListener("click", function (event) {
    var close = event.target.closest("[data-toast-close]");
    if (close) { close.closest(".message, .toast").remove(); }
  });

  // ---- Tabs inside a page (role=tablist): arrows move, the panel follows.
  document.querySelectorAll("[role=tablist][data-tabs]").forEach(function (list) {
    var tabs = Array.prototype.slice.call(list.querySelectorAll("[role=tab]"));
    function select(tab, focus) {
      tabs.forEach(function (t) {
        var selected = t === tab;
        t.setAttribute("aria-selected", selected ? "true" : "false");
        t.tabIndex = selected ? 0 : -1;
        var panel = document.getElementById(t.getAttribute("aria-controls"));
        if (panel) { panel.hidden = !selected; }
      });
      if (focus) { tab.focus(); }
      list.dispatchEvent(new CustomEvent("tabs:change", { detail: { tab: tab }, bubbles: true }));
    }
    tabs.forEach(function (tab, index) {
      tab.addEventListener("click", function () { select(tab, false); });
      tab.addEventListener("keydown", function (event) {
        var next = null;
        if (event.key === "ArrowRight") { next = tabs[(index + 1) % tabs.length]; }
        if (event.key === "ArrowLeft") { next = tabs[(index - 1 + tabs.length) % tabs.length]; }
        if (event.key === "Home") { next = tabs[0]; }
        if (event.key === "End") { next = tabs[tabs.length - 1]; }
        if (next) { event.preventDefault(); select(next, true); }
      });
    });
    portal.selectTab = portal.selectTab || function (tab) { tab.click(); };
  });

  // ---- Hover cards of people: shown on hover or focus of a [data-hovercard] link.
  var cardTimer = null, card = null, cardCache = {};
  function hideCard() {
    window.clearTimeout(cardTimer);
    if (card) { card.remove(); card = null; }
  }
  function showCard(link) {
    var url = link.getAttribute("data-hovercard");
    var place = function (html) {
      hideCard();
      card = document.createElement("div");
      card.className = "hovercard";
      card.setAttribute("role", "tooltip");
      card.innerHTML = html; // the portal's own HTML fragment, escaped server-side
      document.body.appendChild(card);
      var box = link.getBoundingClientRect();
      var top = window.scrollY + box.bottom + 8;
      var left = Math.min(window.scrollX + box.left, window.scrollX + document.documentElement.clientWidth - card.offsetWidth - 8);
      card.style.top = top + "px";
      card.style.left = Math.max(8, left) + "px";
    };
    if (cardCache[url]) { place(cardCache[url]); return; }
    fetch(url, { credentials: "same-origin", headers: { "Accept": "text/html" } })
      .then(function (response) { return response.ok ? response.text() : ""; })
      .then(function (html) {
        if (!html) { return; }
        cardCache[url] = html;
        if (link.matches(":hover") || link === document.activeElement) { place(html); }
      })
      .catch(function () {});
  }
  document.addEventListener("mouseover", function (event) {
    var link = event.target.closest && event.target.closest("[data-hovercard]");
    if (!link || !window.fetch) { return; }
    window.clearTimeout(cardTimer);
    cardTimer = window.setTimeout(function () { showCard(link); }, 450);
  });
  document.addEventListener("mouseout", function (event) {
    if (event.target.closest && event.target.closest("[data-hovercard]")) { hideCard(); }
  });
  document.addEventListener("focusout", function (event) {
    if (event.target.closest && event.target.closest("[data-hovercard]")) { hideCard(); }
  });
  document.addEventListener("keydown", function (event) { if (event.key === "Escape") { hideCard(); } });

  // ---- Forms with errors: focus goes to the summary or the first field in error.
  // (Not a sample error shown as an example, such as the style guide's: [data-no-error-focus].)
  var firstError = Array.prototype.filter.call(
    document.querySelectorAll("[data-form-errors], .field--error input, .field--error select, .field--error textarea"),
    function (element) { return !element.closest("[data-no-error-focus]"); }
  )[0];
  if (firstError) {
    if (!firstError.hasAttribute("tabindex") && firstError.matches("[data-form-errors]")) { firstError.tabIndex = -1; }
    firstError.focus();
  }

  // ---- Infinite scroll: a [data-load-more] link loads the next page into its list.
  document.querySelectorAll("[data-load-more]").forEach(function (link) {
    if (!("IntersectionObserver" in window) || !window.fetch) { return; }
    var target = document.querySelector(link.getAttribute("data-load-more"));
    if (!target) { return; }
    var loading = false;
    var observer = new IntersectionObserver(function (entries) {
      if (!entries[0].isIntersecting || loading) { return; }
      loading = true;
      fetch(link.href, { credentials: "same-origin", headers: { "X-Requested-With": "fetch" } })
        .then(function (response) { return response.text(); })
        .then(function (html) {
          var doc = new DOMParser().parseFromString(html, "text/html");
          var next = doc.querySelector(link.getAttribute("data-load-more"));
          if (next) { Array.prototype.forEach.call(next.children, function (child) { target.appendChild(child); }); }
          var more = doc.querySelector("[data-load-more]");
          if (more) { link.href = more.href; loading = false; } else { observer.disconnect(); link.remove(); }
        })
        .catch(function () { observer.disconnect(); });
    }, { rootMargin: "400px" });
    observer.observe(link);
  });

  // ---- Bookmark buttons toggle in place instead of reloading the page.
  document.addEventListener("submit", function (event) {
    var form = event.target.closest("[data-bookmark-toggle]");
    if (!form || !window.fetch) { return; }
    event.preventDefault();
    var button = form.querySelector("button");
    button.disabled = true;
    fetch(form.action, {
      method: "POST",
      body: new FormData(form),
      headers: { "Accept": "application/json" },
      credentials: "same-origin"
    }).then(function (response) {
      if (!response.ok) { throw new Error("bookmark failed"); }
      return response.json();
    }).then(function (data) {
      // The state is aria-pressed, the star and the words ("Bookmark" / "Saved").
      var saved = !!data.bookmarked;
      button.setAttribute("aria-pressed", saved ? "true" : "false");
      var icon = form.querySelector(".bookmark-toggle__icon");
      if (icon) { icon.textContent = saved ? "★" : "☆"; }
      var unsavedLabel = form.querySelector("[data-bookmark-unsaved]");
      var savedLabel = form.querySelector("[data-bookmark-saved]");
      if (unsavedLabel && savedLabel) {
        unsavedLabel.hidden = saved;
        savedLabel.hidden = !saved;
      }
      var title = button.getAttribute(saved ? "data-title-saved" : "data-title-unsaved");
      if (title) { button.setAttribute("title", title); }
    }).catch(function () {
      form.submit();
    }).finally(function () {
      button.disabled = false;
    });
  });
})();
