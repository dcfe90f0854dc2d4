// Groups: the follow-closely toggle in place (without this script: a plain form). The
// invitation field is the person picker (portal/js/person-picker.js).
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

})();
