/* /submit/: add and remove link rows in the page, keeping everything already typed.

   Progressive enhancement. Without JavaScript "Add another link" and "Remove link N" are submit
   buttons: the server sends the form back with a row more or less (views_submit.py). With it, the
   same buttons change the page in place: nothing is sent, nothing typed is lost, focus moves to
   the new row (or the row that took the removed one's place), and a status line tells screen
   readers what happened. The formset's TOTAL_FORMS and every row's ids, names and labels are
   renumbered so the server reads the rows exactly as it would have written them.
   A file of its own, no inline script: the Content-Security-Policy allows scripts from 'self'. */
(function () {
  "use strict";

  var PREFIX = "links";
  var NUMBERED = new RegExp(PREFIX + "-\\d+-", "g");

  function init(form) {
    var total = form.querySelector("input[name='" + PREFIX + "-TOTAL_FORMS']");
    var max = form.querySelector("input[name='" + PREFIX + "-MAX_NUM_FORMS']");
    if (!total) return;
    var limit = parseInt(max && max.value, 10) || 10;
    var section = form.querySelector("[aria-labelledby='links-heading']");
    var actions = section.querySelector(".form-actions");
    var status = document.createElement("p");
    status.className = "visually-hidden";
    status.setAttribute("role", "status");
    section.appendChild(status);

    function rows() {
      return section.querySelectorAll("fieldset.link-row");
    }

    function addButton() {
      var button = actions.querySelector("button[name='add_link']");
      if (!button) {
        button = document.createElement("button");
        button.className = "button-secondary";
        button.type = "submit";
        button.name = "add_link";
        button.value = "1";
        button.setAttribute("formnovalidate", "");
        button.textContent = "Add another link";
        actions.insertBefore(button, actions.firstChild);
      }
      return button;
    }

    function renumber(row, index) {
      var marked = row.querySelectorAll("[id], [name], [for], [aria-describedby]");
      for (var i = 0; i < marked.length; i++) {
        var el = marked[i];
        ["id", "name", "for", "aria-describedby"].forEach(function (attr) {
          var value = el.getAttribute(attr);
          if (!value) return;
          var renumbered = value.replace(NUMBERED, PREFIX + "-" + index + "-");
          if (renumbered !== value) el.setAttribute(attr, renumbered);
        });
      }
      row.querySelector("legend").textContent = "Link " + (index + 1);
    }

    /* Each row's "Remove link N" button: present on every row while there are two or more. */
    function syncButtons() {
      var all = rows();
      for (var i = 0; i < all.length; i++) {
        var button = all[i].querySelector("button[name='remove_link']");
        if (all.length < 2) {
          if (button) button.parentNode.removeChild(button);
          continue;
        }
        if (!button) {
          button = document.createElement("button");
          button.className = "button-secondary";
          button.type = "submit";
          button.name = "remove_link";
          button.setAttribute("formnovalidate", "");
          all[i].appendChild(button);
        }
        button.value = String(i);
        button.textContent = "Remove link " + (i + 1);
      }
      total.value = String(all.length);
      addButton().hidden = all.length >= limit;
    }

    function blank(row) {
      var fields = row.querySelectorAll("input, select, textarea");
      for (var i = 0; i < fields.length; i++) {
        var field = fields[i];
        if (field.tagName === "SELECT") {
          field.selectedIndex = 0; /* "Detect from the link" */
          for (var j = 0; j < field.options.length; j++) field.options[j].defaultSelected = false;
        } else {
          field.value = "";
          field.defaultValue = "";
        }
        field.removeAttribute("aria-invalid");
      }
      var errors = row.querySelectorAll(".error-text");
      for (var k = 0; k < errors.length; k++) errors[k].parentNode.removeChild(errors[k]);
      var flagged = row.querySelectorAll(".field-error");
      for (var m = 0; m < flagged.length; m++) flagged[m].classList.remove("field-error");
      var details = row.querySelector("details");
      if (details) details.open = false;
    }

    function add() {
      var all = rows();
      if (all.length >= limit) return;
      var row = all[all.length - 1].cloneNode(true);
      blank(row);
      renumber(row, all.length);
      all[all.length - 1].parentNode.insertBefore(row, all[all.length - 1].nextSibling);
      syncButtons();
      row.querySelector("input[name$='-url']").focus();
      status.textContent = "Link " + (all.length + 1) + " added.";
    }

    function remove(row) {
      var all = Array.prototype.slice.call(rows());
      var index = all.indexOf(row);
      if (index < 0 || all.length < 2) return;
      row.parentNode.removeChild(row);
      all.splice(index, 1);
      for (var i = index; i < all.length; i++) renumber(all[i], i);
      syncButtons();
      var next = all[Math.min(index, all.length - 1)];
      next.querySelector("input[name$='-url']").focus();
      status.textContent = "Link " + (index + 1) + " removed.";
    }

    form.addEventListener("click", function (event) {
      var button = event.target.closest ? event.target.closest("button") : null;
      if (!button || !form.contains(button)) return;
      if (button.name === "add_link") {
        event.preventDefault();
        add();
      } else if (button.name === "remove_link") {
        event.preventDefault();
        remove(button.closest("fieldset.link-row"));
      }
    });
    syncButtons();
  }

  var forms = document.querySelectorAll("form[data-link-rows]");
  for (var i = 0; i < forms.length; i++) init(forms[i]);
})();
