/* The org chart: expand and collapse, zoom and pan, search and jump, departments.
 * Our own code, no library: the page works without it (a nested list with links), and
 * this script upgrades it. Strings come translated from the page's <template>. */
(function () {
  "use strict";

  var API = "/api/orgchart/";
  var canvas = document.querySelector("[data-orgchart-canvas]");
  var stage = document.querySelector("[data-orgchart-stage]");
  if (!canvas || !stage) return;
  var strings = document.querySelector("[data-orgchart-strings]").dataset;
  var view = { scale: 1, x: 0, y: 0 };
  var MIN_SCALE = 0.3;
  var MAX_SCALE = 2;

  function format(text, values) {
    return text.replace(/%\((\w+)\)s/g, function (_all, key) { return values[key]; });
  }

  function getJSON(path, params, base) {
    var query = new URLSearchParams(params).toString();
    return fetch((base || API) + path + (query ? "?" + query : ""), {
      credentials: "same-origin",
      headers: { Accept: "application/json" }
    }).then(function (response) {
      if (!response.ok) throw new Error(response.status);
      return response.json();
    });
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }

  /* ---- Tree ------------------------------------------------------------------ */

  function toggleButton(item, id, name, count, expanded) {
    var button = el("button", "orgchart__toggle");
    button.type = "button";
    button.setAttribute("aria-expanded", expanded ? "true" : "false");
    button.setAttribute("aria-controls", "reports-" + id);
    button.appendChild(el("span", "visually-hidden", format(strings.reports, { name: name })));
    var badge = el("span", "orgchart__count", String(count));
    badge.setAttribute("aria-hidden", "true");
    button.appendChild(badge);
    return button;
  }

  function renderNode(data) {
    var item = el("li", "orgchart__item");
    item.dataset.person = data.id;
    item.dataset.reports = data.reports_count;
    var box = el("div", "orgchart__node");
    box.id = "person-" + data.id;
    box.tabIndex = -1;
    // The markup of the avatar include (and of the design system's {% avatar %}).
    var avatar = el("span", "avatar avatar--sm avatar--hue-" + (data.hue || 0));
    avatar.setAttribute("aria-hidden", "true");
    if (data.photo_url) {
      var img = el("img");
      img.src = data.photo_url;
      img.alt = "";
      img.width = 40;
      img.height = 40;
      avatar.appendChild(img);
    } else {
      avatar.textContent = data.initials;
    }
    box.appendChild(avatar);
    var text = el("span", "orgchart__text");
    var name = el("a", "orgchart__name", data.name);
    name.href = data.url;
    text.appendChild(name);
    if (data.job_title) text.appendChild(el("span", "orgchart__title", data.job_title));
    if (data.department) text.appendChild(el("span", "orgchart__dept", data.department));
    box.appendChild(text);
    item.appendChild(box);
    if (data.reports_count) {
      var loaded = data.children && data.children.length;
      box.appendChild(toggleButton(item, data.id, data.name, data.reports_count, loaded));
      if (loaded) item.appendChild(renderLevel(data.id, data.name, data.children));
    }
    return item;
  }

  function renderLevel(id, name, children) {
    var list = el("ul", "orgchart__level");
    list.id = "reports-" + id;
    list.setAttribute("aria-label", format(strings.reports, { name: name }));
    children.forEach(function (child) { list.appendChild(renderNode(child)); });
    return list;
  }

  function nameOf(item) {
    return item.querySelector(".orgchart__name").textContent;
  }

  /* Links to a person's team (no JavaScript) become buttons loading it in place. */
  function upgradeLazyLinks(scope) {
    scope.querySelectorAll("a[data-lazy]").forEach(function (link) {
      var item = link.closest(".orgchart__item");
      var button = toggleButton(item, item.dataset.person, nameOf(item), item.dataset.reports, false);
      link.replaceWith(button);
    });
  }

  function expand(item) {
    var button = item.querySelector(":scope > .orgchart__node > .orgchart__toggle");
    if (!button) return Promise.resolve();
    var list = item.querySelector(":scope > .orgchart__level");
    if (list) {
      list.hidden = false;
      button.setAttribute("aria-expanded", "true");
      return Promise.resolve();
    }
    button.setAttribute("aria-busy", "true");
    return getJSON("", { root: item.dataset.person, depth: 1 }).then(function (data) {
      var node = data.nodes[0];
      if (!item.querySelector(":scope > .orgchart__level")) {
        item.appendChild(renderLevel(node.id, node.name, node.children || []));
      }
      button.setAttribute("aria-expanded", "true");
    }).catch(function () {
      announce(strings.error);
    }).finally(function () {
      button.removeAttribute("aria-busy");
    });
  }

  function collapse(item) {
    var button = item.querySelector(":scope > .orgchart__node > .orgchart__toggle");
    var list = item.querySelector(":scope > .orgchart__level");
    if (list) {
      if (list.contains(document.activeElement)) focusBox(boxOf(item));
      list.hidden = true;
    }
    if (button) button.setAttribute("aria-expanded", "false");
  }

  stage.addEventListener("click", function (event) {
    var button = event.target.closest(".orgchart__toggle");
    if (!button) return;
    var item = button.closest(".orgchart__item");
    if (button.getAttribute("aria-expanded") === "true") collapse(item);
    else expand(item);
  });

  /* ---- Zoom and pan ------------------------------------------------------------ */

  /* The stage is moved with a transform inside the canvas (overflow hidden): positions are
   * computed from the layout (offsetLeft/Top, which transforms do not change), never from
   * on-screen rectangles that a running transition would make stale. */

  var zoomGroup = document.querySelector("[data-orgchart-zoom]");
  var zoomLevel = document.querySelector("[data-zoom-level]");
  var help = document.querySelector("[data-orgchart-help]");

  /* Where ``node`` sits in the stage, unscaled. */
  function layoutOf(node) {
    var x = 0;
    var y = 0;
    var current = node;
    while (current && current !== stage) {
      x += current.offsetLeft;
      y += current.offsetTop;
      current = current.offsetParent;
    }
    return { x: x, y: y, width: node.offsetWidth, height: node.offsetHeight };
  }

  /* Keep part of the chart in the window, however far it is dragged. */
  function clamp() {
    var width = canvas.clientWidth;
    var height = canvas.clientHeight;
    var stageWidth = stage.offsetWidth * view.scale;
    var stageHeight = stage.offsetHeight * view.scale;
    view.x = Math.min(width / 2, Math.max(Math.min(0, width - stageWidth) - width / 2, view.x));
    view.y = Math.min(height / 2, Math.max(Math.min(0, height - stageHeight) - height / 2, view.y));
  }

  function apply() {
    clamp();
    stage.style.transform =
      "translate(" + Math.round(view.x) + "px, " + Math.round(view.y) + "px) scale(" + view.scale + ")";
    zoomLevel.textContent = Math.round(view.scale * 100) + "%";
    canvas.dataset.scale = view.scale.toFixed(2);
  }

  /* Zoom by ``factor`` keeping the point (x, y) of the canvas (default: its middle) still. */
  function zoom(factor, x, y) {
    var scale = Math.min(MAX_SCALE, Math.max(MIN_SCALE, view.scale * factor));
    if (x === undefined) { x = canvas.clientWidth / 2; y = canvas.clientHeight / 2; }
    view.x = x - (x - view.x) * (scale / view.scale);
    view.y = y - (y - view.y) * (scale / view.scale);
    view.scale = scale;
    apply();
  }

  /* The first view: the top of the chart, its first person in the middle. */
  function home() {
    view = { scale: 1, x: 0, y: 0 };
    var first = stage.querySelector(".orgchart__node");
    if (first) {
      var box = layoutOf(first);
      view.x = canvas.clientWidth / 2 - (box.x + box.width / 2);
    }
    apply();
  }

  /* Bring a person's box into the middle of the canvas. */
  function centre(box) {
    var rect = layoutOf(box);
    view.x = canvas.clientWidth / 2 - view.scale * (rect.x + rect.width / 2);
    view.y = canvas.clientHeight / 2 - view.scale * (rect.y + rect.height / 2);
    apply();
  }

  function inView(box) {
    var rect = layoutOf(box);
    var left = view.x + view.scale * rect.x;
    var top = view.y + view.scale * rect.y;
    return left >= 0 && top >= 0 &&
      left + view.scale * rect.width <= canvas.clientWidth &&
      top + view.scale * rect.height <= canvas.clientHeight;
  }

  zoomGroup.hidden = false;
  help.hidden = false;
  canvas.classList.add("orgchart-canvas--interactive");
  zoomGroup.addEventListener("click", function (event) {
    var button = event.target.closest("[data-zoom]");
    if (!button) return;
    var action = button.dataset.zoom;
    if (action === "in") zoom(1.2);
    else if (action === "out") zoom(1 / 1.2);
    else home();
  });

  /* The wheel (or a touchpad) moves the chart; with Ctrl it zooms where the pointer is. */
  canvas.addEventListener("wheel", function (event) {
    event.preventDefault();
    var area = canvas.getBoundingClientRect();
    if (event.ctrlKey) {
      zoom(event.deltaY < 0 ? 1.1 : 1 / 1.1, event.clientX - area.left, event.clientY - area.top);
      return;
    }
    var unit = event.deltaMode === 1 ? 16 : event.deltaMode === 2 ? canvas.clientHeight : 1;
    var dx = event.shiftKey && !event.deltaX ? event.deltaY : event.deltaX;
    var dy = event.shiftKey && !event.deltaX ? 0 : event.deltaY;
    view.x -= dx * unit;
    view.y -= dy * unit;
    apply();
  }, { passive: false });

  var drag = null;
  canvas.addEventListener("pointerdown", function (event) {
    if (event.button !== 0 || event.target.closest("button, a, input, select")) return;
    drag = { x: event.clientX - view.x, y: event.clientY - view.y, id: event.pointerId };
    canvas.setPointerCapture(event.pointerId);
    canvas.classList.add("orgchart-canvas--dragging");
  });
  canvas.addEventListener("pointermove", function (event) {
    if (!drag || drag.id !== event.pointerId) return;
    view.x = event.clientX - drag.x;
    view.y = event.clientY - drag.y;
    apply();
  });
  function endDrag(event) {
    if (!drag || drag.id !== event.pointerId) return;
    drag = null;
    canvas.classList.remove("orgchart-canvas--dragging");
  }
  canvas.addEventListener("pointerup", endDrag);
  canvas.addEventListener("pointercancel", endDrag);

  /* The canvas hides its overflow, but the browser still scrolls it to show a focused link
   * out of sight: that scroll is moved into the transform at once (no transition), so the
   * chart stays where the browser put it and the positions computed from the layout hold. */
  function absorbScroll() {
    if (!canvas.scrollLeft && !canvas.scrollTop) return;
    view.x -= canvas.scrollLeft;
    view.y -= canvas.scrollTop;
    canvas.scrollLeft = 0;
    canvas.scrollTop = 0;
    canvas.classList.add("orgchart-canvas--instant");
    apply();
    window.requestAnimationFrame(function () {
      window.requestAnimationFrame(function () {
        canvas.classList.remove("orgchart-canvas--instant");
      });
    });
  }
  canvas.addEventListener("scroll", absorbScroll);

  var STEP = 40;
  var MOVES = { ArrowLeft: [STEP, 0], ArrowRight: [-STEP, 0], ArrowUp: [0, STEP], ArrowDown: [0, -STEP] };
  canvas.addEventListener("keydown", function (event) {
    if (event.target !== canvas) return;
    if (MOVES[event.key]) {
      event.preventDefault();
      view.x += MOVES[event.key][0];
      view.y += MOVES[event.key][1];
      apply();
    } else if (event.key === "+" || event.key === "=") {
      event.preventDefault();
      zoom(1.2);
    } else if (event.key === "-") {
      event.preventDefault();
      zoom(1 / 1.2);
    }
  });

  /* Tabbing onto a box, or onto its link or button, that is out of sight brings it back.
   * Not a click: moving the chart between the press and the release would lose it. */
  var pressedAt = 0;
  canvas.addEventListener("pointerdown", function () { pressedAt = Date.now(); }, true);
  stage.addEventListener("focusin", function (event) {
    absorbScroll();
    var box = event.target.closest(".orgchart__node");
    if (!box) return;
    rove(box);
    if (!drag && Date.now() - pressedAt > 800 && !inView(box)) centre(box);
  });

  /* ---- Moving between people with the keyboard ------------------------------------ */

  /* One box at a time is in the tab order (a roving tabindex): the last one visited. */
  function rove(box) {
    stage.querySelectorAll('.orgchart__node[tabindex="0"]').forEach(function (other) {
      if (other !== box) other.tabIndex = -1;
    });
    box.tabIndex = 0;
  }

  function boxOf(item) {
    return item ? item.querySelector(":scope > .orgchart__node") : null;
  }

  function focusBox(box) {
    if (!box) return;
    rove(box);
    box.focus({ preventScroll: true });
    if (!inView(box)) centre(box);
  }

  function visibleChildren(item) {
    var list = item.querySelector(":scope > .orgchart__level");
    if (!list || list.hidden) return [];
    return Array.prototype.slice.call(list.children);
  }

  function isExpanded(item) {
    var button = item.querySelector(":scope > .orgchart__node > .orgchart__toggle");
    return button && button.getAttribute("aria-expanded") === "true";
  }

  stage.addEventListener("keydown", function (event) {
    var box = event.target.closest(".orgchart__node");
    if (!box || event.altKey || event.ctrlKey || event.metaKey) return;
    var item = box.parentElement;
    var siblings = Array.prototype.slice.call(item.parentElement.children);
    var index = siblings.indexOf(item);
    var key = event.key;
    if (key === "Enter" && event.target === box) {
      event.preventDefault();
      window.location.href = box.querySelector(".orgchart__name").href;
    } else if (key === "ArrowDown") {
      event.preventDefault();
      var button = item.querySelector(":scope > .orgchart__node > .orgchart__toggle");
      if (!button) return;
      (isExpanded(item) ? Promise.resolve() : expand(item)).then(function () {
        focusBox(boxOf(visibleChildren(item)[0]));
      });
    } else if (key === "ArrowUp") {
      event.preventDefault();
      focusBox(boxOf(item.parentElement.closest(".orgchart__item")));
    } else if (key === "ArrowLeft" || key === "ArrowRight") {
      event.preventDefault();
      focusBox(boxOf(siblings[index + (key === "ArrowLeft" ? -1 : 1)]));
    } else if (key === "Home" || key === "End") {
      event.preventDefault();
      focusBox(boxOf(key === "Home" ? siblings[0] : siblings[siblings.length - 1]));
    }
  });

  /* ---- Search, departments and jumping to a person ------------------------------ */

  var results = document.querySelector("[data-orgchart-results]");
  var resultsTitle = document.querySelector("[data-orgchart-results-title]");
  var resultsList = document.querySelector("[data-orgchart-list]");
  var status = document.querySelector("[data-orgchart-status]");

  function announce(text) {
    results.hidden = false;
    status.textContent = text;
  }

  function showPeople(title, people, emptyText) {
    results.hidden = false;
    resultsTitle.textContent = title;
    resultsList.textContent = "";
    people.forEach(function (person) {
      var li = el("li");
      var button = el("button", "orgchart-jump", person.name);
      button.type = "button";
      button.dataset.jump = person.id;
      li.appendChild(button);
      if (person.job_title) li.appendChild(el("span", "muted", " · " + person.job_title));
      resultsList.appendChild(li);
    });
    // Zero has its own message, one its own sentence: right in English and in French.
    if (!people.length) status.textContent = emptyText;
    else if (people.length === 1) status.textContent = strings.foundOne;
    else status.textContent = format(strings.found, { count: people.length });
  }

  function findItem(id) {
    return stage.querySelector('.orgchart__item[data-person="' + id + '"]');
  }

  function jumpTo(id) {
    return getJSON("chain/", { person: id }).then(function (data) {
      var ids = data.chain.map(function (manager) { return manager.id; });
      var start = ids.findIndex(function (managerId) { return findItem(managerId); });
      if (start === -1 && !findItem(id)) {
        // Not in the tree on this page (another team's view): open the chart at the top.
        window.location.href = "?root=" + (ids.length ? ids[0] : id) + "#person-" + id;
        return;
      }
      var steps = start === -1 ? [] : ids.slice(start);
      return steps.reduce(function (promise, managerId) {
        return promise.then(function () {
          var item = findItem(managerId);
          return item ? expand(item) : null;
        });
      }, Promise.resolve()).then(function () {
        var item = findItem(id);
        if (!item) return;
        stage.querySelectorAll(".orgchart__node--highlight").forEach(function (box) {
          box.classList.remove("orgchart__node--highlight");
        });
        stage.querySelectorAll(".orgchart__node[aria-current]").forEach(function (box) {
          box.removeAttribute("aria-current");
        });
        var box = boxOf(item);
        box.classList.add("orgchart__node--highlight");
        box.setAttribute("aria-current", "true");
        centre(box);
        rove(box);
        box.focus({ preventScroll: true });
        // The box is now in the middle of the canvas: bring the canvas into the page's view.
        var area = canvas.getBoundingClientRect();
        if (area.top < 0 || area.bottom > window.innerHeight) {
          canvas.scrollIntoView({ block: area.height > window.innerHeight ? "center" : "nearest" });
        }
      });
    }).catch(function () {
      announce(strings.error);
    });
  }

  resultsList.addEventListener("click", function (event) {
    var target = event.target.closest("[data-jump]");
    if (!target) return;
    event.preventDefault();
    jumpTo(target.dataset.jump);
  });

  /* The directory's search (/api/people/?q=: names, titles, skills, departments) when
   * the directory is installed, else the org chart's own. */
  function searchPeople(text) {
    return getJSON("", { q: text }, "/api/people/").then(function (data) {
      return data.results.map(function (person) {
        return { id: person.id, name: person.full_name, job_title: person.job_title };
      });
    }).catch(function () {
      return getJSON("search/", { q: text }).then(function (data) { return data.results; });
    });
  }

  var searchForm = document.querySelector("[data-orgchart-search]");
  searchForm.addEventListener("submit", function (event) {
    var text = searchForm.elements.q.value.trim();
    if (text.length < 2) return;
    event.preventDefault();
    status.textContent = strings.loading;
    searchPeople(text).then(function (people) {
      showPeople(strings.results, people, strings.none);
    }).catch(function () {
      announce(strings.error);
    });
  });

  var departmentForm = document.querySelector("[data-orgchart-department]");
  var departmentSelect = departmentForm.elements.department;
  function showDepartment() {
    if (!departmentSelect.value) return;
    status.textContent = strings.loading;
    getJSON("departments/", { department: departmentSelect.value }).then(function (data) {
      showPeople(format(strings.peopleOf, { name: data.department.name }), data.people, strings.emptyDepartment);
    }).catch(function () {
      announce(strings.error);
    });
  }
  departmentForm.addEventListener("submit", function (event) {
    if (!departmentSelect.value) return;
    event.preventDefault();
    showDepartment();
  });
  departmentSelect.addEventListener("change", showDepartment);

  upgradeLazyLinks(stage);
  home();
  var first = stage.querySelector(".orgchart__node");
  if (first) first.tabIndex = 0;
  var target = window.location.hash.match(/^#person-(\d+)$/);
  if (target) jumpTo(target[1]);
})();
