/* The feed in the browser: infinite scroll, the composer (prompt, kinds as tabs, dropped
   files with previews), @mention suggestions for every post and comment box, the lightbox.
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

  // --- The composer: a one-line prompt that opens, kinds as tabs, files dropped --------
  function setUpComposer(form) {
    var wrap = form.closest("[data-composer-wrap]");
    var prompt = wrap && wrap.querySelector("[data-composer-prompt]");
    var radios = form.querySelector("[data-composer-radios]");
    var tablist = form.querySelector("[data-composer-tabs]");
    var panels = form.querySelectorAll("[data-composer-panel]");

    function kindOf() {
      var checked = form.querySelector("input[name=kind]:checked");
      return checked ? checked.value : "status";
    }
    function show(kind) {
      var radio = form.querySelector("input[name=kind][value='" + kind + "']");
      if (radio) { radio.checked = true; }
      panels.forEach(function (panel) { panel.hidden = panel.dataset.composerPanel !== kind; });
    }
    if (tablist && radios) {
      // The tabs take over from the radio buttons, which stay the submitted value.
      radios.hidden = true;
      tablist.hidden = false;
      tablist.querySelectorAll("[role=tab]").forEach(function (tab) {
        var panel = document.getElementById(tab.getAttribute("aria-controls"));
        if (panel) {
          panel.setAttribute("role", "tabpanel");
          panel.setAttribute("aria-labelledby", tab.id);
        }
      });
      tablist.addEventListener("tabs:change", function (event) {
        show(event.detail.tab.dataset.kind);
      });
    } else {
      form.querySelectorAll("input[name=kind]").forEach(function (radio) {
        radio.addEventListener("change", function () { show(kindOf()); });
      });
    }
    show(kindOf());

    if (prompt && !form.hasAttribute("data-composer-open")) {
      form.hidden = true;
      prompt.addEventListener("click", function () {
        prompt.hidden = true;
        form.hidden = false;
        form.setAttribute("data-composer-open", "");
        prompt.setAttribute("aria-expanded", "true");
        var text = form.querySelector("textarea");
        if (text) { text.focus(); }
      });
    }
    setUpDrop(form);
  }

  function formatSize(bytes) {
    var lang = document.documentElement.lang || undefined;
    var units = ["byte", "kilobyte", "megabyte", "gigabyte"];
    var value = bytes, unit = 0;
    while (value >= 1024 && unit < units.length - 1) { value /= 1024; unit += 1; }
    try {
      return new Intl.NumberFormat(lang, {
        style: "unit", unit: units[unit], unitDisplay: "short", maximumFractionDigits: 1
      }).format(value);
    } catch (error) {
      return Math.round(value) + " " + ["B", "KB", "MB", "GB"][unit];
    }
  }

  function setUpDrop(form) {
    var zone = form.querySelector("[data-composer-drop]");
    var input = zone && zone.querySelector("input[type=file]");
    var list = zone && zone.querySelector("[data-composer-previews]");
    if (!input || !list || typeof DataTransfer === "undefined") { return; }
    var urls = [];

    function render() {
      urls.forEach(function (url) { URL.revokeObjectURL(url); });
      urls = [];
      list.replaceChildren();
      Array.prototype.forEach.call(input.files, function (file, index) {
        var item = document.createElement("li");
        item.className = "composer__preview";
        if (/^image\//.test(file.type)) {
          var img = document.createElement("img");
          var url = URL.createObjectURL(file);
          urls.push(url);
          img.src = url;
          img.alt = "";
          img.className = "composer__thumb";
          item.appendChild(img);
        } else {
          item.classList.add("composer__preview--file");
        }
        var text = document.createElement("span");
        text.className = "composer__preview-text";
        var name = document.createElement("span");
        name.className = "composer__preview-name";
        name.textContent = file.name;
        var size = document.createElement("span");
        size.className = "muted";
        size.textContent = formatSize(file.size);
        text.appendChild(name);
        text.appendChild(size);
        item.appendChild(text);
        var remove = document.createElement("button");
        remove.type = "button";
        remove.className = "icon-button composer__remove";
        remove.setAttribute("aria-label", (form.dataset.removeLabel || "×").replace("__name__", file.name));
        remove.textContent = "×";
        remove.addEventListener("click", function () {
          removeAt(index);
          input.focus();
        });
        item.appendChild(remove);
        list.appendChild(item);
      });
      list.hidden = !input.files.length;
    }

    function setFiles(files) {
      var transfer = new DataTransfer();
      files.forEach(function (file) { transfer.items.add(file); });
      input.files = transfer.files;
      render();
    }
    function removeAt(index) {
      setFiles(Array.prototype.filter.call(input.files, function (_f, i) { return i !== index; }));
    }

    input.addEventListener("change", render);
    ["dragenter", "dragover"].forEach(function (name) {
      form.addEventListener(name, function (event) {
        if (!event.dataTransfer || Array.prototype.indexOf.call(event.dataTransfer.types, "Files") < 0) { return; }
        event.preventDefault();
        form.classList.add("composer--dragging");
      });
    });
    ["dragleave", "drop"].forEach(function (name) {
      form.addEventListener(name, function (event) {
        if (name === "dragleave" && form.contains(event.relatedTarget)) { return; }
        form.classList.remove("composer--dragging");
      });
    });
    form.addEventListener("drop", function (event) {
      if (!event.dataTransfer || !event.dataTransfer.files.length) { return; }
      event.preventDefault();
      setFiles(Array.prototype.slice.call(input.files).concat(Array.prototype.slice.call(event.dataTransfer.files)));
    });
  }

  // --- @mentions: suggestions in a listbox under any textarea[data-mention-input] --------
  // The textarea shows "@Name"; a hidden field of the same name carries what the server
  // reads, "@[Name](user:12)", rebuilt from the names chosen in this field.
  var counter = 0;
  var TRIGGER = /(^|\s)@([\p{L}\p{M}'.-]{1,40})$/u;
  var MARKUP = /@\[([^\]\n]+)\]\((user|group):(\d+)\)/g;

  function escapeRegExp(text) { return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"); }

  function setUpMentions(input) {
    if (input.dataset.mentionReady) { return; }
    var form = input.closest("form");
    var url = input.dataset.mentionUrl || (form && form.dataset.mentionUrl);
    if (!url || !form) { return; }
    input.dataset.mentionReady = "1";
    var labels = {
      list: input.dataset.mentionLabel || form.dataset.mentionLabel || "",
      empty: input.dataset.mentionEmpty || form.dataset.mentionEmpty || ""
    };
    // Chosen names -> their markup; what was typed back after an error is shown plainly.
    var chosen = {};
    input.value = input.value.replace(MARKUP, function (_all, label, kind, id) {
      chosen[label] = "@[" + label + "](" + kind + ":" + id + ")";
      return "@" + label;
    });
    var carrier = document.createElement("input");
    carrier.type = "hidden";
    carrier.name = input.name;
    carrier.dataset.mentionCarrier = "";
    input.removeAttribute("name");
    input.dataset.mentionName = carrier.name;
    input.insertAdjacentElement("afterend", carrier);
    function sync() {
      var value = input.value;
      Object.keys(chosen).sort(function (a, b) { return b.length - a.length; }).forEach(function (label) {
        var pattern = new RegExp("(^|[^\\p{L}\\p{N}_@\\[])@" + escapeRegExp(label) + "(?![\\p{L}\\p{N}_])", "gu");
        value = value.replace(pattern, function (_all, before) { return before + chosen[label]; });
      });
      carrier.value = value;
    }
    sync();
    input.addEventListener("input", sync);
    input.addEventListener("change", sync);
    form.addEventListener("submit", sync, true);
    form.addEventListener("reset", function () { chosen = {}; window.setTimeout(sync, 0); });

    counter += 1;
    var listId = "mention-list-" + counter;
    var list = document.createElement("ul");
    list.id = listId;
    list.className = "mention-list";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", labels.list);
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
      var label = item.label.replace(/[\[\]\n()]/g, " ").replace(/\s+/g, " ").trim();
      chosen[label] = "@[" + label + "](" + item.kind + ":" + item.id + ")";
      var shown = "@" + label + " ";
      input.value = before + shown + after;
      var position = before.length + shown.length;
      input.setSelectionRange(position, position);
      sync();
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
        empty.textContent = labels.empty;
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
        event.stopPropagation();
        close();
      }
    });
    input.addEventListener("blur", function () { window.setTimeout(close, 150); });
  }

  // --- The image lightbox: a native <dialog>, arrows move, Escape closes, focus returns --
  var lightbox = null;
  function openLightbox(group, index, opener) {
    var items = Array.prototype.slice.call(group.querySelectorAll("[data-lightbox-item]"));
    if (!lightbox) {
      lightbox = document.createElement("dialog");
      lightbox.className = "dialog lightbox";
      lightbox.innerHTML =
        '<div class="lightbox__bar"><p class="lightbox__count" aria-live="polite"></p>' +
        '<button type="button" class="icon-button lightbox__close" data-lightbox-close>×</button></div>' +
        '<figure class="lightbox__figure"><img class="lightbox__image" alt=""><figcaption class="lightbox__caption"></figcaption></figure>' +
        '<button type="button" class="icon-button lightbox__nav lightbox__nav--prev" data-lightbox-step="-1">‹</button>' +
        '<button type="button" class="icon-button lightbox__nav lightbox__nav--next" data-lightbox-step="1">›</button>';
      document.body.appendChild(lightbox);
      lightbox.addEventListener("click", function (event) {
        if (event.target === lightbox || event.target.closest("[data-lightbox-close]")) { lightbox.close(); return; }
        var step = event.target.closest("[data-lightbox-step]");
        if (step) { lightbox.move(Number(step.dataset.lightboxStep)); }
      });
      lightbox.addEventListener("keydown", function (event) {
        if (event.key === "ArrowRight") { event.preventDefault(); lightbox.move(1); }
        if (event.key === "ArrowLeft") { event.preventDefault(); lightbox.move(-1); }
      });
      lightbox.addEventListener("close", function () {
        if (lightbox.opener && document.contains(lightbox.opener)) { lightbox.opener.focus(); }
      });
    }
    var d = group.dataset;
    lightbox.setAttribute("aria-label", d.lightboxLabel || "");
    lightbox.querySelector("[data-lightbox-close]").setAttribute("aria-label", d.lightboxClose || "Close");
    lightbox.querySelector(".lightbox__nav--prev").setAttribute("aria-label", d.lightboxPrevious || "Previous");
    lightbox.querySelector(".lightbox__nav--next").setAttribute("aria-label", d.lightboxNext || "Next");
    lightbox.querySelectorAll(".lightbox__nav").forEach(function (b) { b.hidden = items.length < 2; });
    var current = index;
    lightbox.move = function (step) {
      current = (current + step + items.length) % items.length;
      var item = items[current];
      var image = lightbox.querySelector(".lightbox__image");
      image.src = item.href;
      image.alt = item.dataset.lightboxAlt || "";
      lightbox.querySelector(".lightbox__caption").textContent = item.dataset.lightboxAlt || "";
      lightbox.querySelector(".lightbox__count").textContent = (d.lightboxCount || "__n__ / __total__")
        .replace("__n__", String(current + 1)).replace("__total__", String(items.length));
    };
    lightbox.opener = opener;
    lightbox.move(0);
    if (!lightbox.open) { lightbox.showModal(); }
    lightbox.querySelector("[data-lightbox-close]").focus();
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("[data-lightbox-item]");
    if (!link || event.ctrlKey || event.metaKey || event.shiftKey || event.button) { return; }
    var group = link.closest("[data-lightbox-group]");
    if (!group || !window.HTMLDialogElement) { return; }
    event.preventDefault();
    var items = Array.prototype.slice.call(group.querySelectorAll("[data-lightbox-item]"));
    openLightbox(group, items.indexOf(link), link);
  });

  // Threads loaded later (comments opened in place) set up their own fields with this.
  window.portalSetUpMentions = setUpMentions;

  function init() {
    document.querySelectorAll("[data-feed]").forEach(setUpFeed);
    document.querySelectorAll("[data-composer]").forEach(setUpComposer);
    document.querySelectorAll("textarea[data-mention-input]").forEach(setUpMentions);
    // Comment and reply boxes arriving later (threads opened in place, infinite scroll).
    document.addEventListener("focusin", function (event) {
      if (event.target.matches && event.target.matches("textarea[data-mention-input]")) {
        setUpMentions(event.target);
      }
    });
    new MutationObserver(function (records) {
      records.forEach(function (record) {
        record.addedNodes.forEach(function (node) {
          if (node.nodeType !== 1) { return; }
          if (node.matches("textarea[data-mention-input]")) { setUpMentions(node); }
          node.querySelectorAll("textarea[data-mention-input]").forEach(setUpMentions);
        });
      });
    }).observe(document.body, { childList: true, subtree: true });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
