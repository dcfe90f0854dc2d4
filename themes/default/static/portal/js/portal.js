/* Small progressive enhancements; every page works without JavaScript. */
(function () {
  "use strict";
  // Colours chosen by editors (a themed week's accent) come as data attributes and become
  // CSS custom properties here: the Content-Security-Policy forbids style attributes.
  document.querySelectorAll("[data-week-colour]").forEach(function (element) {
    element.style.setProperty("--week-colour", element.getAttribute("data-week-colour"));
  });

  // The menu button on small screens.
  var toggle = document.querySelector("[data-nav-toggle]");
  var nav = document.getElementById("site-nav");
  if (toggle && nav) {
    toggle.addEventListener("click", function () {
      var open = nav.classList.toggle("is-open");
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
    });
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && nav.classList.contains("is-open")) {
        nav.classList.remove("is-open");
        toggle.setAttribute("aria-expanded", "false");
        toggle.focus();
      }
    });
  }

  // Bookmark buttons toggle in place instead of reloading the page.
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
      form.querySelector(".bookmark-toggle__icon").textContent = saved ? "★" : "☆";
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
