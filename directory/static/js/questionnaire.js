// The questionnaire, enhanced: questions that only matter after a "yes" stay hidden until then, and on the
// warning signs a "yes" or "not sure" that calls for help shows that advice at once, under the answer.
// Without this script every question is shown and Continue goes straight to the stop page; the server
// checks everything either way. ("Use my location" is static/js/locate.js, as on the search page.)
(function () {
  "use strict";
  var form = document.querySelector("form.q-form");
  if (!form) { return; }

  // [data-depends-on="parent"][data-when="yes unsure"]: shown while the parent's answer is one of those.
  var dependents = Array.prototype.slice.call(form.querySelectorAll("[data-depends-on]"));
  // The advice of each stop level, pre-rendered in one live region (announced when revealed).
  var advice = document.getElementById("q-advice");
  var regions = advice ? Array.prototype.slice.call(advice.querySelectorAll("[data-advice]")) : [];

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

  // [data-level="emergency"|"today"] on a question: its yes or not sure calls for that advice; emergency wins.
  function strongestLevel() {
    var levels = Array.prototype.map.call(
      form.querySelectorAll('[data-level] input[value="yes"]:checked, [data-level] input[value="unsure"]:checked'),
      function (input) { return input.closest("[data-level]").dataset.level; }
    );
    if (levels.indexOf("emergency") !== -1) { return "emergency"; }
    return levels.indexOf("today") !== -1 ? "today" : "";
  }

  function showAdvice(changed) {
    var level = strongestLevel();
    var shown = regions.filter(function (region) { return !region.hidden; })[0];
    var question = changed && changed.closest("[data-level]");
    function reveal() {
      var now = strongestLevel();  // the answers may have changed again meanwhile
      regions.forEach(function (region) { region.hidden = region.dataset.advice !== now; });
    }
    if (level && (!shown || shown.dataset.advice !== level) && question) {
      // Right under the answer that called for it, where the patient is looking. A moved live region
      // is only announced once screen readers have seen it in its new place: reveal a moment later.
      regions.forEach(function (region) { region.hidden = true; });
      question.parentNode.insertBefore(advice, question.nextSibling);
      window.setTimeout(reveal, 100);
    } else {
      reveal();
    }
  }

  if (dependents.length) { update(true); }
  if (regions.length) { showAdvice(null); }
  form.addEventListener("change", function (event) {
    if (event.target.type !== "radio") { return; }
    if (dependents.length) { update(false); }
    if (regions.length) { showAdvice(event.target); }
  });
})();
