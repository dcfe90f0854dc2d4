/* The feed in the browser: infinite scroll, the composer's kinds and @mention suggestions.
   Everything works without it: "Load more" is a link, the composer a plain form. */
(function () {
  "use strict";
  if (window.portalFeedLoaded) { return; }
  window.portalFeedLoaded = true;

  // --- Infinite scroll -------------------------------------------------------------------
  function fragmentUrl(href) {
    var url = new URL(href, window.location.href);
    url.searchParams.set("fragment", "1");
    return url.toString();
  }

  function announce(feed, count) {
    var status = feed.querySelector("[data-feed-status]");
    if (!status) { return; }
    status.textContent = count === 1
      ? feed.dataset.loadedOne
      : feed.dataset.loadedMany.replace("__count__", String(count));
  }

  function setUpFeed(feed) {
    var observer = null;
    var busy = false;

    function load() {
      var link = feed.querySelector("[data-feed-more]");
      if (!link || busy) { return; }
      busy = true;
      link.setAttribute("aria-disabled", "true");
      link.textContent = feed.dataset.loading;
      fetch(fragmentUrl(link.href), {
        credentials: "same-origin",
        headers: { "X-Requested-With": "fetch" }
      }).then(function (response) {
        if (!response.ok) { throw new Error("feed page failed"); }
        return response.text();
      }).then(function (html) {
        var doc = new DOMParser().parseFromString(html, "text/html");
        var lists = feed.querySelectorAll("[data-feed-items]");
        var list = lists[lists.length - 1];
        var items = doc.querySelectorAll("[data-feed-items] > li");
        items.forEach(function (item) { list.appendChild(document.adoptNode(item)); });
        var wrap = feed.querySelector("[data-feed-more-wrap]");
        var next = doc.querySelector("[data-feed-more-wrap]");
        wrap.replaceChildren.apply(wrap, next ? Array.from(next.childNodes) : []);
        announce(feed, items.length);
        busy = false;
        watch();
      }).catch(function () {
        busy = false;
        link.removeAttribute("aria-disabled");
        var status = feed.querySelector("[data-feed-status]");
        if (status) { status.textContent = feed.dataset.loadFailed; }
      });
    }

    function watch() {
      var link = feed.querySelector("[data-feed-more]");
      if (!link) { if (observer) { observer.disconnect(); } return; }
      if (observer) { observer.disconnect(); observer.observe(link); }
    }

    feed.addEventListener("click", function (event) {
      if (event.target.closest("[data-feed-more]")) {
        event.preventDefault();
        load();
      }
    });
    if ("IntersectionObserver" in window) {
      observer = new IntersectionObserver(function (entries) {
        if (entries.some(function (e) { return e.isIntersecting; })) { load(); }
      }, { rootMargin: "400px" });
      watch();
    }
  }

  // --- The composer's kinds --------------------------------------------------------------
  function setUpComposer(form) {
    var radios = form.querySelectorAll("input[name=kind]");
    function show() {
      var checked = form.querySelector("input[name=kind]:checked");
      var kind = checked ? checked.value : "status";
      form.querySelectorAll("[data-composer-kind]").forEach(function (part) {
        part.hidden = part.dataset.composerKind !== kind;
      });
    }
    radios.forEach(function (radio) { radio.addEventListener("change", show); });
    show();
  }

  // --- @mentions: suggestions in a listbox under the textarea -------------------------------------------
  var counter = 0;
  var TRIGGER = /(^|\s)@([\p{L}\p{M}'.-]{1,40})$/u;

  function setUpMentions(input) {
    var form = input.closest("form");
    var url = form && form.dataset.mentionUrl;
    if (!url) { return; }
    counter += 1;
    var listId = "mention-list-" + counter;
    var list = document.createElement("ul");
    list.id = listId;
    list.className = "mention-list";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", form.dataset.mentionLabel || "");
    list.hidden = true;
    input.insertAdjacentElement("afterend", list);
    // A textarea may not take the combobox role: it stays a textbox that owns a listbox
    // (aria-autocomplete, aria-controls and aria-activedescendant are allowed on it).
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-controls", listId);

    var options = [];
    var active = -1;
    var query = null;
    var timer = null;
    var request = 0;

    function close() {
      list.hidden = true;
      list.replaceChildren();
      options = [];
      active = -1;
      query = null;
      input.removeAttribute("aria-activedescendant");
    }

    function highlight(index) {
      active = index;
      options.forEach(function (option, i) {
        option.element.setAttribute("aria-selected", i === index ? "true" : "false");
      });
      if (index >= 0) {
        input.setAttribute("aria-activedescendant", options[index].element.id);
        options[index].element.scrollIntoView({ block: "nearest" });
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    function choose(index) {
      var item = options[index];
      if (!item || !query) { return; }
      var caret = input.selectionStart;
      var before = input.value.slice(0, caret - query.length - 1);
      var after = input.value.slice(caret);
      var label = item.label.replace(/[\[\]\n]/g, " ");
      var markup = "@[" + label + "](" + item.kind + ":" + item.id + ") ";
      input.value = before + markup + after;
      var position = before.length + markup.length;
      input.setSelectionRange(position, position);
      close();
      input.focus();
    }

    function render(results) {
      list.replaceChildren();
      options = results.map(function (result, index) {
        var element = document.createElement("li");
        element.id = listId + "-" + index;
        element.setAttribute("role", "option");
        element.setAttribute("aria-selected", "false");
        element.textContent = result.label + (result.detail ? " · " + result.detail : "");
        element.addEventListener("mousedown", function (event) {
          event.preventDefault();
          choose(index);
        });
        return { element: element, label: result.label, kind: result.kind, id: result.id };
      });
      if (!options.length) {
        var empty = document.createElement("li");
        empty.className = "mention-list__empty";
        empty.setAttribute("role", "option");
        empty.setAttribute("aria-disabled", "true");
        empty.textContent = form.dataset.mentionEmpty || "";
        list.appendChild(empty);
      }
      options.forEach(function (option) { list.appendChild(option.element); });
      list.hidden = false;
      highlight(options.length ? 0 : -1);
    }

    function suggest() {
      var match = TRIGGER.exec(input.value.slice(0, input.selectionStart));
      if (!match) { close(); return; }
      query = match[2];
      var mine = ++request;
      var address = new URL(url, window.location.href);
      address.searchParams.set("q", query);
      fetch(address.toString(), {
        credentials: "same-origin",
        headers: { "Accept": "application/json" }
      }).then(function (response) {
        if (!response.ok) { throw new Error("mentions failed"); }
        return response.json();
      }).then(function (data) {
        if (mine !== request || query === null) { return; }
        render(Array.isArray(data) ? data : (data.results || []));
      }).catch(close);
    }

    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(suggest, 150);
    });
    input.addEventListener("keydown", function (event) {
      if (list.hidden) { return; }
      if (event.key === "ArrowDown" && options.length) {
        event.preventDefault();
        highlight((active + 1) % options.length);
      } else if (event.key === "ArrowUp" && options.length) {
        event.preventDefault();
        highlight((active - 1 + options.length) % options.length);
      } else if ((event.key === "Enter" || event.key === "Tab") && active >= 0) {
        event.preventDefault();
        choose(active);
      } else if (event.key === "Escape") {
        event.preventDefault();
        close();
      }
    });
    input.addEventListener("blur", function () { window.setTimeout(close, 150); });
  }

  // Threads loaded later (comments opened in place) set up their own fields with this.
  window.portalSetUpMentions = setUpMentions;

  function init() {
    document.querySelectorAll("[data-feed]").forEach(setUpFeed);
    document.querySelectorAll("[data-composer]").forEach(setUpComposer);
    document.querySelectorAll("textarea[data-mention-input]").forEach(setUpMentions);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
