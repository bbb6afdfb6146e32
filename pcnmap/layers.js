// pcnmap's map layers for Leaflet's canvas renderer: every practice of a map,
// or every network boundary, drawn as one path. Thousands of Leaflet circle
// markers or polygons each cost the browser an object to build, project,
// bind events to and test on every mouse move; one path holding plain arrays
// costs a fraction, and draws the same shapes.
//
// Leaflet's canvas renderer asks each path to _project (to layer pixels),
// _updatePath (draw, only while the renderer is drawing) and _containsPoint
// (hit test, on every mouse move and click), as it does for its own shapes.
// The feature under the pointer is kept in ``hit``: the tooltip bound to the
// layer's group reads it, and toGeoJSON returns it, which is what a click on
// the map reports (streamlit-folium's last_active_drawing). Every text in the
// data was escaped before it reached the page.
(function () {
  if (L.PcnmapPractices) { return; }

  // What both layers share: many features, the one under the pointer in ``hit``.
  var Many = L.Path.extend({
    hit: -1,
    featureCount: 0,

    toGeoJSON: function () {
      return this.hit >= 0 ? this.featureAt(this.hit) : null;
    },

    _update: function () {
      if (this._map) { this._updatePath(); }
    }
  });

  // rows: one per practice, [latitude, longitude, network index, ODS code,
  // name, postcode, registered patients]; networks: [code, name, colour].
  L.PcnmapPractices = Many.extend({
    options: {radius: 5, weight: 1, color: "#000000", opacity: 1, fill: true,
              fillOpacity: 0.9},

    initialize: function (networks, rows, options) {
      L.setOptions(this, options);
      this._networks = networks;
      this._rows = rows;
      this._points = [];
      this.featureCount = rows.length;
    },

    // The practice at ``index`` as a GeoJSON feature.
    featureAt: function (index) {
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

  // A GeoJSON collection of polygons and multipolygons, each filled with its
  // ``colour`` property (or the layer's fillColor); the one under the pointer
  // is outlined more heavily (``highlightWeight``).
  L.PcnmapShapes = Many.extend({
    options: {color: "#555555", weight: 1, opacity: 1, fill: true, fillOpacity: 0.35,
              fillColor: "#dddddd", highlightWeight: 3},

    initialize: function (collection, options) {
      L.setOptions(this, options);
      this._features = collection.features;
      this._rings = [];
      this._boxes = [];
      this.featureCount = this._features.length;
      this.highlighted = -1;
    },

    featureAt: function (index) {
      return this._features[index];
    },

    // Outline feature ``index`` more heavily (-1: none).
    highlight: function (index) {
      if (index !== this.highlighted) {
        this.highlighted = index;
        this.redraw();
      }
    },

    getBounds: function () {
      return L.geoJSON({type: "FeatureCollection", features: this._features}).getBounds();
    },

    // Each feature's rings in layer pixels, and its pixel box.
    _project: function () {
      var map = this._map, bounds = new L.Bounds();
      this._rings = [];
      this._boxes = [];
      for (var i = 0; i < this._features.length; i++) {
        var geometry = this._features[i].geometry;
        var polygons = !geometry ? [] : geometry.type === "Polygon" ? [geometry.coordinates]
                     : geometry.type === "MultiPolygon" ? geometry.coordinates : [];
        var rings = [], box = new L.Bounds();
        for (var p = 0; p < polygons.length; p++) {
          for (var r = 0; r < polygons[p].length; r++) {
            var ring = polygons[p][r].map(function (xy) {
              return map.latLngToLayerPoint([xy[1], xy[0]]);
            });
            ring.forEach(function (point) { box.extend(point); });
            rings.push(ring);
          }
        }
        this._rings.push(rings);
        this._boxes.push(rings.length ? box : null);
        if (rings.length) { bounds.extend(box); }
      }
      var reach = this.options.highlightWeight;
      this._pxBounds = bounds.min ? L.bounds(bounds.min.subtract([reach, reach]),
                                                   bounds.max.add([reach, reach])) : null;
    },

    _trace: function (context, index) {
      var rings = this._rings[index];
      for (var r = 0; r < rings.length; r++) {
        var ring = rings[r];
        context.moveTo(ring[0].x, ring[0].y);
        for (var j = 1; j < ring.length; j++) { context.lineTo(ring[j].x, ring[j].y); }
        context.closePath();
      }
    },

    _updatePath: function () {
      var renderer = this._renderer;
      if (!renderer._drawing || !this._pxBounds) { return; }
      var context = renderer._ctx, view = renderer._bounds, options = this.options;
      var byColour = {}, shown = [], colour, i;
      for (i = 0; i < this._features.length; i++) {
        if (!this._boxes[i] || !this._boxes[i].intersects(view)) { continue; }
        shown.push(i);
        colour = this._features[i].properties.colour || options.fillColor;
        (byColour[colour] || (byColour[colour] = [])).push(i);
      }
      // One fill per colour and one stroke for all, not a fill and a stroke
      // per shape.
      if (options.fill) {
        context.globalAlpha = options.fillOpacity;
        for (colour in byColour) {
          context.beginPath();
          byColour[colour].forEach(function (index) { this._trace(context, index); }, this);
          context.fillStyle = colour;
          context.fill("evenodd");
        }
      }
      context.globalAlpha = options.opacity;
      context.strokeStyle = options.color;
      context.lineJoin = context.lineCap = "round";
      context.lineWidth = options.weight;
      context.beginPath();
      shown.forEach(function (index) { this._trace(context, index); }, this);
      context.stroke();
      if (shown.indexOf(this.highlighted) >= 0) {
        context.lineWidth = options.highlightWeight;
        context.beginPath();
        this._trace(context, this.highlighted);
        context.stroke();
      }
    },

    // The last-drawn shape whose area holds ``point`` (even-odd rule, as drawn).
    _containsPoint: function (point) {
      this.hit = -1;
      for (var i = this._features.length - 1; i >= 0 && this.hit < 0; i--) {
        if (!this._boxes[i] || !this._boxes[i].contains(point)) { continue; }
        var inside = false, rings = this._rings[i];
        for (var r = 0; r < rings.length; r++) {
          var ring = rings[r];
          for (var j = 0, k = ring.length - 1; j < ring.length; k = j++) {
            var a = ring[j], b = ring[k];
            if ((a.y > point.y) !== (b.y > point.y) &&
                point.x < (b.x - a.x) * (point.y - a.y) / (b.y - a.y) + a.x) {
              inside = !inside;
            }
          }
        }
        if (inside) { this.hit = i; }
      }
      return this.hit >= 0;
    }
  });

  // ``layer`` in a group (so a layer control can switch it) whose tooltip
  // shows the feature under the pointer: a row per [label, value] that
  // ``cells`` gives for the feature. Moving from one feature straight onto
  // another stays "over" the same layer, so the tooltip (and the highlight,
  // where the layer has one) follows the feature under the pointer.
  function grouped(layer, cells) {
    var group = L.featureGroup([layer]);
    var shown = -1;
    group.bindTooltip(function (source) {
      var html = "<table>";
      cells(source.featureAt(source.hit)).forEach(function (cell) {
        html += "<tr><th>" + cell[0] + "</th><td>" + cell[1] + "</td></tr>";
      });
      return html + "</table>";
    }, {sticky: true});
    function follow() {
      if (layer.hit >= 0 && layer.hit !== shown) {
        if (shown >= 0 && group.isTooltipOpen()) { group.getTooltip().update(); }
        shown = layer.hit;
        if (layer.highlight) { layer.highlight(shown); }
      }
    }
    layer.on("mouseover mousemove", follow);
    layer.on("mouseout", function () {
      shown = -1;
      if (layer.highlight) { layer.highlight(-1); }
    });
    return group;
  }

  L.pcnmapPractices = function (networks, rows, labels) {
    return grouped(new L.PcnmapPractices(networks, rows), function (practice) {
      var p = practice.properties;
      return [[labels[0], p.name], [labels[1], p.code], [labels[2], p.pc],
              [labels[3], p.net], [labels[4], p.pts]];
    });
  };

  // fields: [property, label] pairs shown in the tooltip.
  L.pcnmapShapes = function (collection, fields, style) {
    return grouped(new L.PcnmapShapes(collection, style), function (shape) {
      return fields.map(function (pair) { return [pair[1], shape.properties[pair[0]]]; });
    });
  };
})();
