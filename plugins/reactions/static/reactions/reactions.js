/* Reactions in place: the reaction form (a plain POST without JavaScript) is sent with
   fetch, the widget is swapped for the server's new rendering, and the change is
   announced to screen readers. Loaded once per card: the guard keeps one listener. */
(function () {
  "use strict";
  if (window.portalReactions) { return; }
  window.portalReactions = true;

  function liveRegion() {
    var region = document.getElementById("reactions-live");
    if (!region) {
      region = document.createElement("div");
      region.id = "reactions-live";
      region.className = "visually-hidden";
      region.setAttribute("aria-live", "polite");
      document.body.appendChild(region);
    }
    return region;
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches || !form.matches("[data-reaction-form]")) { return; }
    event.preventDefault();
    var data = new FormData(form);
    var button = event.submitter;
    if (button && button.name) { data.set(button.name, button.value); }
    var widget = form.closest("[data-reactions]");
    fetch(form.action, {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { "X-Requested-With": "fetch" }
    }).then(function (response) {
      if (!response.ok) { throw new Error(String(response.status)); }
      return response.text();
    }).then(function (html) {
      var holder = document.createElement("div");
      holder.innerHTML = html.trim();
      var fresh = holder.querySelector("[data-reactions]");
      if (widget && fresh) {
        widget.replaceWith(fresh);
        var total = fresh.querySelector(".reactions__total");
        var mine = fresh.querySelector(".reactions__kind[aria-pressed='true']");
        liveRegion().textContent = (mine ? mine.textContent.trim() + ". " : "") +
          (total ? total.textContent.replace(/\s+/g, " ").trim() : "");
        var summary = fresh.querySelector("summary");
        if (summary) { summary.focus(); }
      }
    }).catch(function () {
      form.submit();
    });
  });
})();
