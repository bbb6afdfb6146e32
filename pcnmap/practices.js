// pcnmap's practice layer for Leaflet's canvas renderer: every practice of a
// map drawn as one path. Thousands of circle markers each cost the browser an
// object to build, project, bind events to and test on every mouse move; one
// path holding plain arrays costs a fraction, and draws the same circles.
//
// rows: one per practice, [latitude, longitude, network index, ODS code,
//       name, postcode, registered patients]; networks: [code, name, colour].
// Every text in them was escaped before it reached the page.
//
// Leaflet's canvas renderer asks each path to _project (to layer pixels),
// _updatePath (draw, only while the renderer is drawing) and _containsPoint
// (hit test, on every mouse move and click), as it does for its own circles.
// The practice under the pointer is kept in ``hit``: a tooltip bound to the
// layer's group reads it, and toGeoJSON returns it, which is what a click on
// the map reports (streamlit-folium's last_active_drawing).
(function () {
  if (L.PcnmapPractices) { return; }

  L.PcnmapPractices = L.Path.extend({
    options: {radius: 5, weight: 1, color: "#000000", opacity: 1, fill: true,
              fillOpacity: 0.9},

    initialize: function (networks, rows, options) {
      L.setOptions(this, options);
      this._networks = networks;
      this._rows = rows;
      this._points = [];
      this.featureCount = rows.length;
      this.hit = -1;
    },

    // The practice at ``index`` as a GeoJSON feature.
    practice: function (index) {
      var row = this._rows[index], network = this._networks[row[2]];
      return {type: "Feature", geometry: {type: "Point", coordinates: [row[1], row[0]]},
              properties: {code: row[3], name: row[4], pc: row[5], nc: network[0],
                           net: network[1], pts: row[6]}};
    },

    // The index of the practice with ODS code ``code`` (-1 when not drawn).
    indexOf: function (code) {
      for (var i = 0; i < this._rows.length; i++) {
        if (this._rows[i][3] === code) { return i; }
      }
      return -1;
    },

    latLngOf: function (index) {
      return L.latLng(this._rows[index][0], this._rows[index][1]);
    },

    getBounds: function () {
      return L.latLngBounds(this._rows.map(function (row) { return [row[0], row[1]]; }));
    },

    toGeoJSON: function () {
      return this.hit >= 0 ? this.practice(this.hit) : null;
    },

    _project: function () {
      var map = this._map, rows = this._rows, reach = this.options.radius + this.options.weight;
      var points = this._points = new Array(rows.length);
      var bounds = new L.Bounds();
      for (var i = 0; i < rows.length; i++) {
        points[i] = map.latLngToLayerPoint([rows[i][0], rows[i][1]]);
        bounds.extend(points[i]);
      }
      this._pxBounds = rows.length ? L.bounds(bounds.min.subtract([reach, reach]),
                                              bounds.max.add([reach, reach])) : null;
    },

    _update: function () {
      if (this._map) { this._updatePath(); }
    },

    _updatePath: function () {
      var renderer = this._renderer;
      if (!renderer._drawing || !this._pxBounds) { return; }
      var context = renderer._ctx, view = renderer._bounds, options = this.options;
      var radius = options.radius, byColour = {}, colour, i;
      for (i = 0; i < this._points.length; i++) {
        var point = this._points[i];
        if (point.x + radius < view.min.x || point.x - radius > view.max.x ||
            point.y + radius < view.min.y || point.y - radius > view.max.y) { continue; }
        colour = this._networks[this._rows[i][2]][2];
        (byColour[colour] || (byColour[colour] = [])).push(point);
      }
      // One fill and one stroke per network colour, not per practice.
      context.lineWidth = options.weight;
      context.strokeStyle = options.color;
      for (colour in byColour) {
        context.beginPath();
        var points = byColour[colour];
        for (i = 0; i < points.length; i++) {
          context.moveTo(points[i].x + radius, points[i].y);
          context.arc(points[i].x, points[i].y, radius, 0, 2 * Math.PI, false);
        }
        context.globalAlpha = options.fillOpacity;
        context.fillStyle = colour;
        context.fill();
        context.globalAlpha = options.opacity;
        context.stroke();
      }
    },

    // The practice nearest ``point`` within a circle's reach; the later one
    // where circles overlap (it is drawn on top).
    _containsPoint: function (point) {
      var reach = this.options.radius + this._clickTolerance(), best = reach * reach;
      this.hit = -1;
      for (var i = 0; i < this._points.length; i++) {
        var dx = this._points[i].x - point.x, dy = this._points[i].y - point.y;
        var distance = dx * dx + dy * dy;
        if (distance <= best) { best = distance; this.hit = i; }
      }
      return this.hit >= 0;
    }
  });

  // Practices as a group (so a layer control can switch them) whose tooltip
  // shows the practice under the pointer; ``labels`` head the tooltip's rows.
  L.pcnmapPractices = function (networks, rows, labels) {
    var practices = new L.PcnmapPractices(networks, rows);
    var group = L.featureGroup([practices]);
    var shown = -1;
    group.bindTooltip(function (layer) {
      var properties = layer.practice(layer.hit).properties;
      var cells = [properties.name, properties.code, properties.pc, properties.net,
                   properties.pts];
      var html = "<table>";
      for (var i = 0; i < labels.length; i++) {
        html += "<tr><th>" + labels[i] + "</th><td>" + cells[i] + "</td></tr>";
      }
      return html + "</table>";
    }, {sticky: true});
    // Moving from one practice straight onto another stays "over" the same
    // layer, so the tooltip is rewritten when the practice changes.
    practices.on("mouseover", function () { shown = practices.hit; });
    practices.on("mousemove", function () {
      if (practices.hit >= 0 && practices.hit !== shown) {
        shown = practices.hit;
        group.getTooltip().update();
      }
    });
    return group;
  };
})();
