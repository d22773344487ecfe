// The questionnaire, enhanced: questions that only matter after a "yes" stay hidden until then.
// Without this script every question is shown; the server checks everything either way.
// ("Use my location" on the last step is static/js/locate.js, as on the search page.)
(function () {
  "use strict";
  var form = document.querySelector("form.q-form");
  if (!form) { return; }

  // [data-depends-on="parent"][data-when="yes unsure"]: shown while the parent's answer is one of those.
  var dependents = Array.prototype.slice.call(form.querySelectorAll("[data-depends-on]"));

  function answer(name) {
    var checked = form.querySelector('input[name="' + name + '"]:checked');
    return checked ? checked.value : "";
  }

  function answered(element) {
    return element.querySelector('input[value="yes"]:checked, input[value="unsure"]:checked') !== null;
  }

  function update(initial) {
    dependents.forEach(function (element) {
      var wanted = element.dataset.when.split(" ");
      // On load, a "yes" given before (without this script) stays in view rather than silently cleared.
      var show = wanted.indexOf(answer(element.dataset.dependsOn)) !== -1 || (initial && answered(element));
      if (!show && !element.hidden) {
        // A hidden answer must not count: clear it, as if the question had never been asked.
        element.querySelectorAll("input[type=radio], input[type=checkbox]").forEach(function (input) {
          input.checked = false;
        });
      }
      element.hidden = !show;
    });
  }

  if (dependents.length) {
    update(true);
    form.addEventListener("change", function (event) {
      if (event.target.type === "radio") { update(false); }
    });
  }
})();
