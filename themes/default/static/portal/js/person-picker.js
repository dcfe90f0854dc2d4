/* The person picker (components/person_picker.html): a combobox suggesting people as one
 * types (ARIA 1.2 combobox with a listbox popup), the chosen ones as removable chips, each
 * sending a hidden input name=<name> value=<user id>. Without this script the field is a
 * plain text input (emails typed in). Strings come translated from the data-text-* of the
 * component. Keys: Down/Up move in the suggestions, Enter adds, Escape closes (then clears),
 * Backspace in an empty input removes the last chip. */
(function () {
  "use strict";

  var DELAY = 200;
  var MIN_LENGTH = 2;
  var LIMIT = 8;

  function format(text, values) {
    return text.replace(/%\((\w+)\)s/g, function (_all, key) { return values[key]; });
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }

  function initials(person) {
    var letters = [person.first_name, person.last_name].filter(Boolean).map(function (part) {
      return part.trim().charAt(0);
    }).join("");
    return (letters || (person.full_name || "?").charAt(0)).toUpperCase().slice(0, 2);
  }

  function avatar(person, size) {
    var span = el("span", "avatar avatar--" + size + " avatar--hue-" + (person.hue || 0));
    span.setAttribute("aria-hidden", "true");
    if (person.photo_url) {
      var img = el("img");
      img.src = person.photo_url;
      img.alt = "";
      img.width = size === "xs" ? 24 : 32;
      img.height = img.width;
      span.appendChild(img);
    } else {
      span.textContent = initials(person);
    }
    return span;
  }

  function setUp(root, index) {
    var strings = root.dataset;
    var name = root.dataset.name;
    var max = parseInt(root.dataset.max || "0", 10);
    var input = root.querySelector("[data-person-picker-input]");
    var listbox = root.querySelector("[data-person-picker-listbox]");
    var chips = root.querySelector("[data-person-picker-chips]");
    var status = root.querySelector("[data-person-picker-status]");
    var options = [];
    var active = -1;
    var timer = null;
    var asked = 0;

    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", listbox.id);
    root.classList.add("person-picker--ready");

    function say(text) {
      status.textContent = "";
      // A fresh text node each time, so that the same sentence twice is read twice.
      window.setTimeout(function () { status.textContent = text; }, 50);
    }

    function chosenIds() {
      return Array.prototype.map.call(chips.querySelectorAll("input[type=hidden]"), function (field) {
        return field.value;
      });
    }

    function refreshChips() {
      chips.hidden = !chips.querySelector("li");
    }

    function close() {
      listbox.hidden = true;
      listbox.textContent = "";
      options = [];
      active = -1;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
    }

    function highlight(position) {
      if (!options.length) return;
      active = (position + options.length) % options.length;
      options.forEach(function (option, i) {
        option.node.setAttribute("aria-selected", i === active ? "true" : "false");
      });
      input.setAttribute("aria-activedescendant", options[active].node.id);
      options[active].node.scrollIntoView({ block: "nearest" });
    }

    function show(people) {
      listbox.textContent = "";
      options = [];
      active = -1;
      input.removeAttribute("aria-activedescendant");
      var taken = chosenIds();
      people = people.filter(function (person) {
        return person.user_id && taken.indexOf(String(person.user_id)) === -1;
      });
      people.forEach(function (person, i) {
        var option = el("li", "person-picker__option");
        option.id = listbox.id + "-" + i;
        option.setAttribute("role", "option");
        option.setAttribute("aria-selected", "false");
        option.appendChild(avatar(person, "sm"));
        var text = el("span", "person-picker__option-text");
        text.appendChild(el("span", "person-picker__option-name", person.full_name));
        if (person.job_title) text.appendChild(el("span", "person-picker__option-detail", person.job_title));
        option.appendChild(text);
        listbox.appendChild(option);
        options.push({ node: option, person: person });
      });
      if (!people.length) {
        close();
        say(strings.textNone);
        return;
      }
      listbox.hidden = false;
      input.setAttribute("aria-expanded", "true");
      say(people.length === 1 ? strings.textOne : format(strings.textMany, { count: people.length }));
    }

    function suggest() {
      var text = input.value.trim();
      if (text.length < MIN_LENGTH || text.indexOf(",") !== -1) {
        close();
        return;
      }
      if (max && chosenIds().length >= max) {
        close();
        say(strings.textFull);
        return;
      }
      var ticket = ++asked;
      var url = root.dataset.suggestUrl + "?" + new URLSearchParams({ q: text, page_size: LIMIT });
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) {
          if (!response.ok) throw new Error(response.status);
          return response.json();
        })
        .then(function (data) {
          if (ticket !== asked || document.activeElement !== input) return;
          show(data.results || []);
        })
        .catch(function () {
          if (ticket === asked) { close(); say(strings.textError); }
        });
    }

    function addChip(person) {
      var chip = el("li", "chip person-picker__chip");
      chip.dataset.userId = person.user_id;
      chip.appendChild(avatar(person, "xs"));
      chip.appendChild(el("span", "person-picker__chip-name", person.full_name));
      var hidden = el("input");
      hidden.type = "hidden";
      hidden.name = name;
      hidden.value = person.user_id;
      chip.appendChild(hidden);
      var remove = el("button", "person-picker__remove");
      remove.type = "button";
      remove.dataset.personPickerRemove = "";
      var cross = el("span", null, "×");
      cross.setAttribute("aria-hidden", "true");
      remove.appendChild(cross);
      remove.appendChild(el("span", "visually-hidden", format(strings.textRemove, { name: person.full_name })));
      chip.appendChild(remove);
      chips.appendChild(chip);
      refreshChips();
    }

    function choose(option) {
      addChip(option.person);
      input.value = "";
      close();
      say(format(strings.textAdded, { name: option.person.full_name }));
      input.focus();
    }

    function removeChip(chip) {
      var person = chip.querySelector(".person-picker__chip-name").textContent;
      chip.remove();
      refreshChips();
      say(format(strings.textRemoved, { name: person }));
      input.focus();
    }

    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(suggest, DELAY);
    });

    input.addEventListener("keydown", function (event) {
      var open = !listbox.hidden && options.length;
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        if (!open) { suggest(); return; }
        if (active === -1) highlight(event.key === "ArrowDown" ? 0 : options.length - 1);
        else highlight(active + (event.key === "ArrowDown" ? 1 : -1));
      } else if (event.key === "Enter") {
        if (open && active !== -1) {
          event.preventDefault();
          choose(options[active]);
        }
      } else if (event.key === "Escape") {
        if (open) {
          event.preventDefault();
          close();
        } else if (input.value) {
          event.preventDefault();
          input.value = "";
        }
      } else if (event.key === "Backspace") {
        if (!input.value && input.selectionStart === 0) {
          var chip = chips.querySelector("li:last-child");
          if (chip) {
            event.preventDefault();
            removeChip(chip);
          }
        }
      } else if (event.key === "Tab") {
        close();
      }
    });

    input.addEventListener("blur", function () {
      // After a click in the list (which keeps the focus, see mousedown below).
      window.setTimeout(function () {
        if (document.activeElement !== input) close();
      }, 150);
    });

    listbox.addEventListener("mousedown", function (event) {
      event.preventDefault(); // keep the focus in the input
    });
    listbox.addEventListener("click", function (event) {
      var node = event.target.closest("[role=option]");
      if (!node) return;
      var found = options.filter(function (option) { return option.node === node; })[0];
      if (found) choose(found);
    });

    chips.addEventListener("click", function (event) {
      var button = event.target.closest("[data-person-picker-remove]");
      if (button) removeChip(button.closest("li"));
    });

    refreshChips();
    return index;
  }

  document.querySelectorAll("[data-person-picker]").forEach(setUp);
})();
