// The record forms' finder and focus, as progressive enhancement of plain forms:
// - the "existing person, group or service" box becomes a combobox (ARIA 1.2 pattern, as
//   GOV.UK's accessible-autocomplete): results of find.json in a listbox under it, the
//   highlighted one named by aria-activedescendant, their number announced in a live
//   region; choosing one fills a hidden "existing" field with its id (staff see names only);
// - after a recorded change focus moves to the confirmation banner, after an error to the
//   error summary (GOV.UK notification banner and error summary patterns).
(function () {
  "use strict";
  var target = document.querySelector(".error-summary") ||
    document.querySelector(".notification-banner[data-focus]");
  if (target) { target.focus(); }

  // the words announced, in the page's language (base.html's #finder-words, after this
  // script in the page, so read when needed; find.json says how many matched)
  function words() {
    var holder = document.getElementById("finder-words");
    return holder ? holder.dataset : {};
  }
  document.querySelectorAll("[data-finder]").forEach(function (field) {
    var input = field.querySelector("input[name=find]");
    if (!input) { return; }
    var url = field.getAttribute("data-finder");
    var hidden = document.createElement("input");
    hidden.type = "hidden";
    hidden.name = "existing";
    input.after(hidden);
    var list = document.createElement("ul");
    list.id = input.id + "-listbox";
    list.className = "finder-list";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", words().label || "Matches");
    list.hidden = true;
    hidden.after(list);
    var status = document.createElement("div");
    status.className = "visually-hidden";
    status.setAttribute("role", "status");
    status.setAttribute("aria-live", "polite");
    list.after(status);
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", list.id);
    var results = [], active = -1, timer = null, asked = 0;

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }
    function highlight(i) {
      var items = list.children;
      for (var k = 0; k < items.length; k++) {
        items[k].setAttribute("aria-selected", k === i ? "true" : "false");
      }
      active = i;
      if (i >= 0) {
        input.setAttribute("aria-activedescendant", items[i].id);
        items[i].scrollIntoView({block: "nearest"});
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }
    function choose(i) {
      var r = results[i];
      input.value = r.text;
      hidden.value = r.id;
      var choices = field.querySelector(".choices");
      if (choices) { choices.remove(); }
      close();
      status.textContent = r.chosen || r.text;
    }
    function show(found, said, label) {
      results = found;
      if (label) { list.setAttribute("aria-label", label); }
      list.textContent = "";
      found.forEach(function (r, i) {
        var li = document.createElement("li");
        li.id = input.id + "-option-" + i;
        li.setAttribute("role", "option");
        li.setAttribute("aria-selected", "false");
        li.textContent = r.text;  // names are data, never markup
        li.addEventListener("mousedown", function (e) { e.preventDefault(); choose(i); });
        list.appendChild(li);
      });
      if (found.length) {
        list.hidden = false;
        input.setAttribute("aria-expanded", "true");
      } else {
        close();
      }
      // the words come from the server in the page's language (find.json's "status")
      status.textContent = found.length === 0 ?
        (words().none || "No matches: add them as someone new") : (said || "");
    }
    function search() {
      var q = input.value.trim();
      if (q.length < 2) { show([]); status.textContent = ""; return; }
      var mine = ++asked;
      fetch(url + "?q=" + encodeURIComponent(q), {credentials: "same-origin",
        headers: {"Accept": "application/json"}})
        .then(function (r) { return r.ok ? r.json() : {results: []}; })
        .then(function (data) {
          if (mine === asked) { show(data.results || [], data.status, data.label); }
        })
        .catch(function () { /* the form still works without the list */ });
    }
    input.addEventListener("input", function () {
      hidden.value = "";
      clearTimeout(timer);
      timer = setTimeout(search, 250);
    });
    input.addEventListener("keydown", function (e) {
      var open = !list.hidden && results.length;
      if (e.key === "ArrowDown" && open) {
        e.preventDefault();
        highlight((active + 1) % results.length);
      } else if (e.key === "ArrowUp" && open) {
        e.preventDefault();
        highlight(active <= 0 ? results.length - 1 : active - 1);
      } else if (e.key === "Enter" && open && active >= 0) {
        e.preventDefault();
        choose(active);
      } else if (e.key === "Escape" && !list.hidden) {
        e.preventDefault();
        close();
      }
    });
    input.addEventListener("blur", function () { setTimeout(close, 150); });
  });
}());
