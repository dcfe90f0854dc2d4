/* Copy buttons: <button data-copy-from="ID" hidden> copies the value of the field ID.
   The page works without JavaScript (the field is there to select and copy by hand);
   the button only appears once this script runs. A [data-copy-status] element next to
   it (role="status") tells the result. */
(function () {
  "use strict";
  function statusFor(button) {
    var scope = button.closest("section") || document;
    return scope.querySelector("[data-copy-status]");
  }
  function say(button, text) {
    var status = statusFor(button);
    if (status) { status.textContent = text; }
  }
  function fallbackCopy(field) {
    field.focus();
    field.select();
    try { return document.execCommand("copy"); } catch (error) { return false; }
  }
  document.querySelectorAll("[data-copy-from]").forEach(function (button) {
    var field = document.getElementById(button.getAttribute("data-copy-from"));
    if (!field) { return; }
    button.hidden = false;
    button.addEventListener("click", function () {
      var copied = button.getAttribute("data-copied-text") || "";
      var failed = button.getAttribute("data-copy-failed-text") || "";
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(field.value).then(function () {
          say(button, copied);
        }, function () {
          say(button, fallbackCopy(field) ? copied : failed);
        });
      } else {
        say(button, fallbackCopy(field) ? copied : failed);
      }
    });
  });
})();
