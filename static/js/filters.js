/* Shareable filter URLs: leave empty fields out of the submitted query (?q=isla, not
   ?q=isla&platform=&topic=…). Without JavaScript the server redirects to the same short URL. */
(function () {
  "use strict";
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches || !form.matches("form[data-filter-form]")) return;
    var fields = form.querySelectorAll("input, select");
    for (var i = 0; i < fields.length; i++) {
      var field = fields[i];
      if (field.type === "checkbox" ? false : field.value.trim() === "") field.disabled = true;
    }
    // Re-enable after the navigation starts, so the form is intact if the visitor comes back.
    setTimeout(function () {
      for (var j = 0; j < fields.length; j++) fields[j].disabled = false;
    }, 0);
  });
})();
