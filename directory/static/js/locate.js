// "Use my location": fills a form's hidden latitude and longitude from the browser. The button names
// the fields it fills (data-latitude, data-longitude) and the place field it stands in for
// (data-place); with data-submit the form is sent at once, otherwise a note says what will happen.
// Without JavaScript or geolocation the button stays hidden and the place field does the job.
(function () {
  "use strict";
  var button = document.getElementById("use-location");
  if (!button || !("geolocation" in navigator)) { return; }
  var form = button.form;
  var latitude = form.elements[button.dataset.latitude];
  var longitude = form.elements[button.dataset.longitude];
  var place = form.elements[button.dataset.place];
  var status = document.getElementById("locate-status");
  // The words come from the page (data-finding, data-located, data-unavailable), in its language.
  button.hidden = false;
  button.addEventListener("click", function () {
    status.textContent = button.dataset.finding;
    navigator.geolocation.getCurrentPosition(function (position) {
      latitude.value = position.coords.latitude.toFixed(5);
      longitude.value = position.coords.longitude.toFixed(5);
      place.value = "";
      if ("submit" in button.dataset) {
        form.submit();  // the search form has no page field: a new search starts on page 1
      } else {
        status.textContent = button.dataset.located;
      }
    }, function () {
      status.textContent = button.dataset.unavailable;
    }, { timeout: 10000, maximumAge: 600000 });
  });
  // Typing a place replaces a location found before.
  place.addEventListener("input", function () {
    latitude.value = "";
    longitude.value = "";
    status.textContent = "";
  });
})();
