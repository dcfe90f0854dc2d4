/* The header's search box: suggestions as you type (people first), an accessible combobox
   (WAI-ARIA 1.2 "list autocomplete"): focus stays in the box, the arrows move the
   highlighted option (aria-activedescendant), Enter opens it, Escape closes the list.
   Without scripts the box is a plain GET form to /search/. */
(function () {
  "use strict";
  var DEBOUNCE_MS = 150;
  var MIN_CHARS = 2;

  function format(text, values) {
    return String(text || "").replace(/\{(\w+)\}/g, function (match, name) {
      return Object.prototype.hasOwnProperty.call(values, name) ? values[name] : match;
    });
  }

  // Copies only text and <mark> elements from the server's highlighted HTML.
  function appendHighlighted(target, html, plain) {
    if (!html || !window.DOMParser) {
      target.textContent = plain || "";
      return;
    }
    var doc = new DOMParser().parseFromString("<div>" + html + "</div>", "text/html");
    var root = doc.body.firstChild;
    if (!root) { target.textContent = plain || ""; return; }
    root.childNodes.forEach(function (node) {
      if (node.nodeType === 3) {
        target.appendChild(document.createTextNode(node.nodeValue));
      } else if (node.nodeType === 1 && node.nodeName === "MARK") {
        var mark = document.createElement("mark");
        mark.textContent = node.textContent;
        target.appendChild(mark);
      } else if (node.nodeType === 1) {
        target.appendChild(document.createTextNode(node.textContent));
      }
    });
  }

  function setup(form) {
    var input = form.querySelector("[role=combobox]");
    var listbox = document.getElementById(input.getAttribute("aria-controls"));
    var status = form.querySelector("[data-site-search-status]");
    var suggestUrl = input.getAttribute("data-suggest-url");
    var timer = null;
    var sequence = 0;
    var controller = null;
    var active = -1;
    var lastQuery = null;

    function options() {
      return Array.prototype.slice.call(listbox.querySelectorAll("[role=option]"));
    }

    function setActive(index) {
      var items = options();
      items.forEach(function (item, i) {
        item.setAttribute("aria-selected", i === index ? "true" : "false");
        item.classList.toggle("is-active", i === index);
      });
      active = index;
      if (index >= 0 && items[index]) {
        input.setAttribute("aria-activedescendant", items[index].id);
        if (items[index].scrollIntoView) { items[index].scrollIntoView({ block: "nearest" }); }
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    function close() {
      listbox.hidden = true;
      input.setAttribute("aria-expanded", "false");
      setActive(-1);
    }

    function open() {
      if (!options().length) { return; }
      listbox.hidden = false;
      input.setAttribute("aria-expanded", "true");
    }

    function go(option) {
      var url = option && option.getAttribute("data-url");
      if (url) {
        close();
        window.location.assign(url);
      } else {
        close();
        form.submit();
      }
    }

    function optionElement(id, url) {
      var item = document.createElement("li");
      item.id = id;
      item.setAttribute("role", "option");
      item.setAttribute("aria-selected", "false");
      item.className = "site-search__option";
      if (url) { item.setAttribute("data-url", url); }
      return item;
    }

    function render(query, results) {
      listbox.textContent = "";
      results.forEach(function (result, index) {
        var item = optionElement(listbox.id + "-" + index, result.url);
        item.setAttribute("data-type", result.type);
        if (result.person) { item.classList.add("site-search__option--person"); }
        var title = document.createElement("span");
        title.className = "site-search__option-title";
        appendHighlighted(title, result.title_html, result.title);
        var kind = document.createElement("span");
        kind.className = "site-search__option-type";
        kind.textContent = result.type_label;
        item.appendChild(title);
        item.appendChild(kind);
        listbox.appendChild(item);
      });
      var all = optionElement(listbox.id + "-all", "");
      all.classList.add("site-search__option--all");
      all.textContent = format(form.getAttribute("data-text-all"), { q: query });
      listbox.appendChild(all);
      setActive(-1);
      open();
      status.textContent = results.length
        ? format(form.getAttribute("data-text-count"), { count: results.length })
        : form.getAttribute("data-text-none");
    }

    function fetchSuggestions() {
      var query = input.value.trim();
      if (query === lastQuery && !listbox.hidden) { return; }
      lastQuery = query;
      if (query.length < MIN_CHARS || !window.fetch) {
        listbox.textContent = "";
        status.textContent = "";
        close();
        return;
      }
      var mine = ++sequence;
      if (controller) { controller.abort(); }
      controller = window.AbortController ? new AbortController() : null;
      fetch(suggestUrl + "?q=" + encodeURIComponent(query), {
        credentials: "same-origin",
        headers: { "Accept": "application/json" },
        signal: controller ? controller.signal : undefined
      }).then(function (response) {
        if (!response.ok) { throw new Error("suggestions failed: " + response.status); }
        return response.json();
      }).then(function (data) {
        // An answer to an older query, or the box changed meanwhile: drop it.
        if (mine !== sequence || input.value.trim() !== query) { return; }
        render(query, data.results || []);
      }).catch(function () {
        if (mine === sequence) { close(); }
      });
    }

    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(fetchSuggestions, DEBOUNCE_MS);
    });

    input.addEventListener("keydown", function (event) {
      var items = options();
      switch (event.key) {
        case "ArrowDown":
          event.preventDefault();
          if (listbox.hidden) {
            if (items.length) { open(); setActive(0); } else { fetchSuggestions(); }
            return;
          }
          setActive(active + 1 >= items.length ? 0 : active + 1);
          return;
        case "ArrowUp":
          event.preventDefault();
          if (listbox.hidden) {
            if (items.length) { open(); setActive(items.length - 1); }
            return;
          }
          setActive(active <= 0 ? items.length - 1 : active - 1);
          return;
        case "Enter":
          if (!listbox.hidden && active >= 0 && items[active]) {
            event.preventDefault();
            go(items[active]);
          }
          return;  // otherwise the form is submitted to /search/
        case "Escape":
          if (!listbox.hidden) {
            event.preventDefault();
            event.stopPropagation();
            close();
          } else if (input.value) {
            event.preventDefault();
            input.value = "";
            lastQuery = null;
          }
          return;
        case "Tab":
          close();
          return;
        default:
          return;
      }
    });

    // A click (or tap) on an option opens it; mousedown keeps the focus in the box.
    listbox.addEventListener("mousedown", function (event) { event.preventDefault(); });
    listbox.addEventListener("click", function (event) {
      var option = event.target.closest("[role=option]");
      if (option) { go(option); }
    });
    listbox.addEventListener("mousemove", function (event) {
      var option = event.target.closest("[role=option]");
      if (option) { setActive(options().indexOf(option)); }
    });

    input.addEventListener("blur", function () { close(); });
    input.addEventListener("focus", function () {
      if (input.value.trim().length >= MIN_CHARS && options().length) { open(); }
    });
    form.addEventListener("submit", function () { close(); });
  }

  document.querySelectorAll("[data-site-search]").forEach(setup);
})();
