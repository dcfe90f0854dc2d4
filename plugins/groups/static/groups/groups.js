// Groups: the follow-closely toggle in place, and email suggestions in the invite field.
// Without this script both work as plain forms.
(function () {
  "use strict";

  function csrfToken(form) {
    var input = form.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  document.querySelectorAll("form[data-groups-follow]").forEach(function (form) {
    var status = document.querySelector("[data-groups-status]");
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var button = form.querySelector("button");
      var field = form.querySelector("input[name=follow_closely]");
      fetch(form.action, {
        method: "POST",
        body: new FormData(form),
        headers: { Accept: "application/json", "X-CSRFToken": csrfToken(form) },
        credentials: "same-origin"
      })
        .then(function (response) {
          return response.json().then(function (data) { return { ok: response.ok, data: data }; });
        })
        .then(function (result) {
          if (!result.ok) {
            if (status) status.textContent = result.data.detail || "";
            return;
          }
          var on = result.data.follow_closely;
          button.setAttribute("aria-pressed", on ? "true" : "false");
          button.textContent = on ? button.dataset.labelOn : button.dataset.labelOff;
          field.value = on ? "0" : "1";
          if (status) status.textContent = result.data.message;
        })
        .catch(function () { form.submit(); });
    });
  });

  var list = document.querySelector("datalist[data-groups-people]");
  var input = list && document.querySelector("input[list='" + list.id + "']");
  if (!input) return;
  var timer = null;
  input.addEventListener("input", function () {
    clearTimeout(timer);
    var parts = input.value.split(",");
    var word = parts[parts.length - 1].trim();
    if (word.length < 2) return;
    var prefix = parts.slice(0, -1).map(function (p) { return p.trim(); }).filter(Boolean);
    timer = setTimeout(function () {
      fetch("/api/people/?page_size=8&q=" + encodeURIComponent(word), {
        headers: { Accept: "application/json" },
        credentials: "same-origin"
      })
        .then(function (response) { return response.ok ? response.json() : { results: [] }; })
        .then(function (data) {
          list.textContent = "";
          (data.results || []).forEach(function (person) {
            if (!person.email) return;
            var option = document.createElement("option");
            option.value = prefix.concat([person.email]).join(", ");
            option.label = person.full_name || person.email;
            list.appendChild(option);
          });
        })
        .catch(function () { list.textContent = ""; });
    }, 200);
  });
})();
