/* The style guide's demo buttons. */
document.addEventListener("click", function (event) {
  "use strict";
  var button = event.target.closest("[data-sg-toast]");
  if (button && window.portal && window.portal.toast) { window.portal.toast(button.getAttribute("data-sg-toast"), "success"); }
});
