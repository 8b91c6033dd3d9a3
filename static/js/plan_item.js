/* The plan page's service form: "provided by the case manager" (사례관리자 직접 제공) needs no
   resource or provider, and the person in charge is the case manager herself. Ticking the box
   fills in her name (from data-manager-name) and sets the provider fields aside; the server does
   the same without this script. No inline script, so the Content-Security-Policy stays strict. */
(function () {
  "use strict";

  var box = document.querySelector("input[name$='by_case_manager'][data-manager-name]");
  if (!box || !box.form) {
    return;
  }
  var form = box.form;
  var prefix = box.name.slice(0, box.name.length - "by_case_manager".length);
  function field(name) {
    return form.elements.namedItem(prefix + name);
  }
  var person = field("person_in_charge");
  var providerFields = ["resource", "provider", "provider_name"].map(field).filter(Boolean);
  var filledByUs = false;

  function apply() {
    var direct = box.checked;
    providerFields.forEach(function (input) {
      input.disabled = direct;
    });
    if (!person) {
      return;
    }
    if (direct && !person.value) {
      person.value = box.getAttribute("data-manager-name");
      filledByUs = true;
    } else if (!direct && filledByUs && person.value === box.getAttribute("data-manager-name")) {
      person.value = "";
      filledByUs = false;
    }
  }

  box.addEventListener("change", apply);
  if (box.checked) {
    apply();
  }
})();
