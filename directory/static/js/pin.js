// The map of the profile editor: shows the practice's pin and lets the therapist move it by
// dragging it or clicking the map, which fills the latitude and longitude fields. Without this
// script the map stays hidden and those fields do the job.
(function () {
  "use strict";
  var element = document.getElementById("pin-map");
  var latitude = document.getElementById("latitude");
  var longitude = document.getElementById("longitude");
  if (!element || !latitude || !longitude || typeof L === "undefined") { return; }

  element.hidden = false;
  var map = L.map(element, { scrollWheelZoom: false });
  var tiles = L.tileLayer(element.dataset.tiles, { attribution: element.dataset.attribution, maxZoom: 18 });
  tiles.on("tileerror", function () { element.classList.add("tiles-failed"); });
  tiles.addTo(map);
  var marker = null;

  function typedPoint() {
    var lat = parseFloat(latitude.value);
    var lon = parseFloat(longitude.value);
    if (isNaN(lat) || isNaN(lon) || lat < -90 || lat > 90 || lon < -180 || lon > 180) { return null; }
    return L.latLng(lat, lon);
  }

  function fillFields(latlng) {
    var point = latlng.wrap();
    latitude.value = point.lat.toFixed(6);
    longitude.value = point.lng.toFixed(6);
    element.dataset.moved = "true";
  }

  function placeMarker(latlng) {
    if (marker) {
      marker.setLatLng(latlng);
      return;
    }
    marker = L.marker(latlng, { draggable: true, autoPan: true, title: element.dataset.name, alt: element.dataset.name });
    marker.on("dragend", function () { fillFields(marker.getLatLng()); });
    marker.addTo(map);
    element.dataset.markers = "1";
  }

  map.on("click", function (event) {
    placeMarker(event.latlng);
    fillFields(event.latlng);
  });

  [latitude, longitude].forEach(function (input) {
    input.addEventListener("change", function () {
      var point = typedPoint();
      if (!point) { return; }
      placeMarker(point);
      map.setView(point, Math.max(map.getZoom(), 13));
    });
  });

  var start = typedPoint();
  if (start) {
    map.setView(start, 15);
    placeMarker(start);
  } else {
    map.setView([25, 0], 2);
  }
})();
