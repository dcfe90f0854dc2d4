/* Django's CSRF protection for htmx: every unsafe request htmx sends (POST, PUT, PATCH,
   DELETE) carries the X-CSRFToken header, with the token of
   <meta name="csrf-token" content="..."> when the page has one, else of the csrftoken
   cookie. htmx 2 only sends requests to the portal itself (selfRequestsOnly). Loaded
   with defer after htmx.min.js; no inline script (Content-Security-Policy). */
(function () {
  "use strict";
  var SAFE = /^(GET|HEAD|OPTIONS|TRACE)$/i;

  function cookie(name) {
    var parts = document.cookie ? document.cookie.split(";") : [];
    for (var i = 0; i < parts.length; i++) {
      var part = parts[i].trim();
      if (part.indexOf(name + "=") === 0) {
        return decodeURIComponent(part.slice(name.length + 1));
      }
    }
    return "";
  }

  function token() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return (meta && meta.getAttribute("content")) || cookie("csrftoken");
  }

  document.addEventListener("htmx:configRequest", function (event) {
    var detail = event.detail;
    if (!detail || SAFE.test(detail.verb || "")) { return; }
    var value = token();
    if (value) { detail.headers["X-CSRFToken"] = value; }
  });
})();
