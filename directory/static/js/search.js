// The search page, enhanced. A new sort applies at once (without this script the Search button sends it), and
// on a narrow screen a List / Map switch shows one of the two, the list first (without it both show, the list
// first; on a wide screen they stand side by side and site.css hides the switch).
(function () {
  "use strict";
  var form = document.getElementById("search-form");
  var sort = form ? document.querySelector('select[name="sort"][form="search-form"]') : null;
  if (sort) {
    sort.addEventListener("change", function () {
      if (form.requestSubmit) { form.requestSubmit(); } else { form.submit(); }
    });
  }

  var results = document.getElementById("results");
  var toggle = document.getElementById("view-toggle");
  var map = document.getElementById("results-map");
  // map.js shows the map only once Leaflet has drawn it: no map, no switch.
  if (!results || !toggle || !map || map.hidden) { return; }
  var buttons = Array.prototype.slice.call(toggle.querySelectorAll("button[data-view]"));

  function show(view) {
    results.dataset.view = view;
    buttons.forEach(function (button) {
      button.setAttribute("aria-pressed", String(button.dataset.view === view));
    });
    if (view === "map") { map.dispatchEvent(new CustomEvent("results-map:shown")); }
  }

  buttons.forEach(function (button) {
    button.addEventListener("click", function () {
      show(button.dataset.view);
      // A map that ends below the screen: bring the switch to the top, the map under it (a jump, not a glide).
      if (button.dataset.view === "map" && map.getBoundingClientRect().bottom > window.innerHeight) {
        window.scrollTo(0, window.scrollY + toggle.getBoundingClientRect().top - 8);
      }
    });
  });
  toggle.hidden = false;
  show("list");
})();
