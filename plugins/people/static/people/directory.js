/* The people directory's instant search: as the person types or changes a filter, the
 * results are fetched from /api/people/ and redrawn. Without scripts, the form is a
 * plain GET form and the page works the same, one submit at a time. */
(function () {
  "use strict";
  var form = document.querySelector("[data-people-search]");
  var list = document.querySelector("[data-people-results]");
  var template = document.getElementById("people-card-template");
  var count = document.querySelector("[data-people-count]");
  var stringsNode = document.getElementById("people-strings");
  if (!form || !list || !template || !count || !stringsNode || !window.fetch) {
    return;
  }
  var strings = JSON.parse(stringsNode.textContent);
  var timer = null;
  var controller = null;

  function countText(n) {
    return (n === 1 ? strings.one : strings.other).replace("%(count)s", String(n));
  }

  function parameters() {
    var params = new URLSearchParams();
    new FormData(form).forEach(function (value, key) {
      if (value === "") {
        return;
      }
      params.set(key, key === "new" ? "true" : value);
    });
    return params;
  }

  function renderPagination(data, params) {
    var pagination = document.querySelector("[data-people-pagination]");
    if (!pagination) {
      return;
    }
    pagination.textContent = "";
    pagination.hidden = !data.next;
    if (data.next) {
      // Further pages are the plain page's, with the same search and filters.
      var next = new URLSearchParams(params);
      next.set("page", "2");
      var link = document.createElement("a");
      link.href = "?" + next.toString();
      link.rel = "next";
      link.textContent = strings.next;
      pagination.appendChild(link);
    }
  }

  function render(data) {
    list.textContent = "";
    data.results.forEach(function (person) {
      var item = template.content.firstElementChild.cloneNode(true);
      item.querySelector("img").src = person.photo_url;
      var link = item.querySelector("a");
      link.href = person.url;
      link.textContent = person.full_name;
      var title = item.querySelector(".people-card__title");
      title.textContent = person.job_title;
      title.hidden = !person.job_title;
      var unit = item.querySelector(".people-card__unit");
      unit.textContent = person.unit;
      unit.hidden = !person.unit;
      list.appendChild(item);
    });
    count.textContent = countText(data.count);
    var empty = document.querySelector("[data-people-empty]");
    if (empty) {
      empty.hidden = data.count !== 0;
    }
  }

  function search() {
    var params = parameters();
    if (controller) {
      controller.abort();
    }
    controller = new AbortController();
    fetch(form.dataset.apiUrl + "?" + params.toString(), {
      headers: { Accept: "application/json" },
      credentials: "same-origin",
      signal: controller.signal,
    })
      .then(function (response) {
        if (!response.ok) {
          throw new Error(String(response.status));
        }
        return response.json();
      })
      .then(function (data) {
        render(data);
        renderPagination(data, params);
        var url = window.location.pathname + (params.toString() ? "?" + params : "");
        window.history.replaceState(null, "", url);
      })
      .catch(function (error) {
        if (error.name !== "AbortError") {
          count.textContent = strings.error;
        }
      });
  }

  function schedule() {
    window.clearTimeout(timer);
    timer = window.setTimeout(search, 250);
  }

  form.addEventListener("input", schedule);
  form.addEventListener("change", schedule);
})();
