/* Votes and event answers in place: the forms work as plain posts without JavaScript;
   with it, they are sent in the background, the poll or event is swapped for its new
   version and the result is read out by a live region. */
(function () {
  "use strict";
  if (window.portalFeedInteractions || !window.fetch) { return; }
  window.portalFeedInteractions = true;

  // Created on first use: this script is on every page, most of which never announce.
  var live = null;

  function announce(text) {
    if (!live) {
      live = document.createElement("div");
      live.className = "visually-hidden";
      live.setAttribute("aria-live", "polite");
      live.setAttribute("role", "status");
      document.body.appendChild(live);
    }
    live.textContent = "";
    // A short pause so screen readers notice the change even for the same sentence.
    window.setTimeout(function () { live.textContent = text; }, 50);
  }

  document.addEventListener("submit", function (event) {
    var form = event.target.closest("[data-interaction-form]");
    var block = form && form.closest("[data-interaction]");
    if (!block) { return; }
    event.preventDefault();
    var body = new FormData(form);
    var submitter = event.submitter;
    if (submitter && submitter.name) { body.set(submitter.name, submitter.value); }
    var buttons = form.querySelectorAll("button");
    buttons.forEach(function (button) { button.disabled = true; });
    fetch(form.action, {
      method: "POST",
      body: body,
      headers: { "Accept": "application/json", "X-Requested-With": "fetch" },
      credentials: "same-origin"
    }).then(function (response) {
      if (response.status !== 200 && response.status !== 400) { throw new Error(response.status); }
      return response.json();
    }).then(function (data) {
      var holder = document.createElement("div");
      holder.innerHTML = data.html;
      var fresh = holder.querySelector("[data-interaction]");
      if (!fresh) { throw new Error("no content"); }
      block.replaceWith(fresh);
      var pressed = submitter && submitter.name === "answer" &&
        fresh.querySelector("button[name=answer][aria-pressed=true]");
      (pressed || fresh.querySelector("button") || fresh).focus();
      announce(data.message);
    }).catch(function () {
      // Fall back to the plain form post, keeping the pressed button's value.
      if (submitter && submitter.name) {
        var input = document.createElement("input");
        input.type = "hidden";
        input.name = submitter.name;
        input.value = submitter.value;
        form.appendChild(input);
      }
      form.submit();
    });
  });
})();
