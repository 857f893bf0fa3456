/* The site's few behaviours, asked for by templates with data- attributes. No template carries inline
   script or event handlers, so the Content-Security-Policy can refuse all of them. */
(function () {
  "use strict";

  // <select data-autosubmit>: choosing an option submits its form (the language, the class filter).
  // Each such form keeps a <noscript> button for browsers without JavaScript.
  document.addEventListener("change", function (event) {
    var field = event.target;
    if (!field.matches || !field.matches("[data-autosubmit]") || !field.form) return;
    if (field.form.requestSubmit) field.form.requestSubmit();
    else field.form.submit();
  });

  // <form data-confirm="…">: ask before submitting something that cannot be undone in one click.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form.getAttribute && form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) event.preventDefault();
  });
})();
