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

  // Lists filtered in place by htmx push the filters into the address bar; an "Export" link
  // (data-export-link) follows them, so the file holds what the list shows. Without
  // JavaScript the page reloads and the server writes the link with the same filters.
  function refreshExportLinks() {
    var query = new URLSearchParams(window.location.search);
    query.delete("page");
    query.set("export", "xlsx");
    document.querySelectorAll("a[data-export-link]").forEach(function (link) {
      link.setAttribute("href", "?" + query.toString());
    });
  }
  document.addEventListener("htmx:pushedIntoHistory", refreshExportLinks);
  document.addEventListener("htmx:replacedInHistory", refreshExportLinks);
  window.addEventListener("popstate", refreshExportLinks);
})();
