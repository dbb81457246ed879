// Small progressive enhancements; every page works without this file.
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  // Selects marked data-autosubmit submit their form on change; the button is for no-JS users.
  for (const select of document.querySelectorAll("select[data-autosubmit]")) {
    select.addEventListener("change", () => select.form.requestSubmit());
  }
  for (const element of document.querySelectorAll(".js-hide")) {
    element.hidden = true;
  }
});
