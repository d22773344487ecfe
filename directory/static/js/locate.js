// "Use my location": fills the hidden latitude and longitude fields from the browser and searches.
// Without JavaScript or geolocation the button stays hidden and the place field does the job.
(function () {
  "use strict";
  var button = document.getElementById("use-location");
  if (!button || !("geolocation" in navigator)) { return; }
  var form = button.closest("form");
  var status = document.getElementById("locate-status");
  button.hidden = false;
  button.addEventListener("click", function () {
    status.textContent = "Finding your location…";
    navigator.geolocation.getCurrentPosition(function (position) {
      form.elements.lat.value = position.coords.latitude.toFixed(5);
      form.elements.lon.value = position.coords.longitude.toFixed(5);
      form.elements.q.value = "";  // the form has no page field: a new search starts on page 1
      form.submit();
    }, function () {
      status.textContent = "Your location is not available. Please type a town, city or ZIP code.";
    }, { timeout: 10000, maximumAge: 600000 });
  });
  // Typing a place replaces a location chosen before.
  form.elements.q.addEventListener("input", function () {
    form.elements.lat.value = "";
    form.elements.lon.value = "";
  });
})();
