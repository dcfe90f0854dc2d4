/* Registers the portal's service worker (/sw.js: the offline page, static assets), where
   the browser has them and the page is served securely (HTTPS, or localhost). The
   worker's URL can be given as data-sw-url on this script's element. */
(function () {
  "use strict";
  if (!("serviceWorker" in navigator) || !window.isSecureContext) { return; }
  var script = document.currentScript;
  var url = (script && script.getAttribute("data-sw-url")) || "/sw.js";
  window.addEventListener("load", function () {
    navigator.serviceWorker.register(url, { scope: "/" }).catch(function () {
      /* No worker: the portal works the same, without its offline page. */
    });
  });
})();
