// The questionnaire, enhanced: questions that only matter after a "yes" stay hidden until then, and
// "Use my location" fills the hidden latitude and longitude. Without this script every question is
// shown and the place field does the job; the server checks everything either way.
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

  // "Use my location", as on the search page (static/js/locate.js), without submitting the form.
  var button = document.getElementById("use-location");
  if (button && "geolocation" in navigator && form.elements.latitude) {
    var status = document.getElementById("locate-status");
    var place = form.elements.location;
    button.hidden = false;
    button.addEventListener("click", function () {
      status.textContent = "Finding your location…";
      navigator.geolocation.getCurrentPosition(function (position) {
        form.elements.latitude.value = position.coords.latitude.toFixed(5);
        form.elements.longitude.value = position.coords.longitude.toFixed(5);
        place.value = "";
        status.textContent = "We will look near your current location. Type a town, city or ZIP code to change it.";
      }, function () {
        status.textContent = "Your location is not available. Please type a town, city or ZIP code.";
      }, { timeout: 10000, maximumAge: 600000 });
    });
    // Typing a place replaces a location found before.
    place.addEventListener("input", function () {
      form.elements.latitude.value = "";
      form.elements.longitude.value = "";
      status.textContent = "";
    });
  }
})();
