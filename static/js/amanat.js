/* Amanat platform: small progressive enhancements. Every page works without this file. */
(function () {
  "use strict";

  // A select marked data-autosubmit sends its form as soon as it changes (the form keeps a
  // visible submit button for people without JavaScript; CSS hides it when this file runs).
  document.addEventListener("change", function (event) {
    var field = event.target;
    if (field instanceof HTMLSelectElement && field.hasAttribute("data-autosubmit") && field.form) {
      if (typeof field.form.requestSubmit === "function") {
        field.form.requestSubmit();
      } else {
        field.form.submit();
      }
    }
  });

  // A form or button with data-confirm="Question?" asks before it is sent.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var submitter = event.submitter;
    var question = (submitter && submitter.getAttribute("data-confirm")) || form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) {
      event.preventDefault();
    }
  });
})();
