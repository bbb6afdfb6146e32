// pcnmap's map layers for Leaflet's canvas renderer: every practice of a map,
// every network boundary or every commissioner outline, drawn as one path.
// Thousands of Leaflet circle markers or polygons each cost the browser an
// object to build, project, bind events to and test on every mouse move; one
// path holding plain arrays costs a fraction, and draws the same shapes.
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

  // A function from longitude and latitude to whole layer pixels, as the
  // map's latLngToLayerPoint gives them. For the spherical Mercator of web
  // maps it is the same arithmetic without the four objects Leaflet makes
  // per point: tens of thousands of vertices are projected at every zoom.
  function projector(map) {
    if (map.options.crs !== L.CRS.EPSG3857) {
      return function (lng, lat) {
        var point = map.latLngToLayerPoint([lat, lng]);
        return [point.x, point.y];
      };
    }
    var scale = map.options.crs.scale(map.getZoom()), origin = map.getPixelOrigin();
    var max = L.Projection.SphericalMercator.MAX_LATITUDE, radians = Math.PI / 180;
    var half = 0.5 / Math.PI;
    return function (lng, lat) {
      var sin = Math.sin(Math.max(Math.min(max, lat), -max) * radians);
      return [Math.round(scale * (half * lng * radians + 0.5)) - origin.x,
              Math.round(scale * (-half * Math.log((1 + sin) / (1 - sin)) / 2 + 0.5)) - origin.y];
    };
  }

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

  // Each column's position in a row, by its name.
  function positions(names) {
    var at = {};
    names.forEach(function (name, i) { at[name] = i; });
    return at;
  }

  // data: {columns, groups, rows}, laid out as pcnmap/maps/layerdata.py
  // declares them (PRACTICE_ROW, GROUP_ROW): ``rows`` one per practice, each
  // value read here by its column's name (``latitude``, ``longitude``,
  // ``group``, the index of its row of ``networks``, and the practice's own
  // texts); ``networks`` one row per group (``network_code``,
  // ``network_name``, ``colour``). A practice's properties are its columns'
  // and its group's, by the same names.
  L.PcnmapPractices = Many.extend({
    options: {radius: 5, weight: 1.5, color: "#111111", haloColor: "#ffffff", opacity: 1,
              fill: true, fillOpacity: 0.9},

    initialize: function (networks, data, options) {
      L.setOptions(this, options);
      this._networks = networks;
      this._columns = data.columns;
      this._groups = data.groups;
      this._at = positions(data.columns);
      this._group = positions(data.groups);
      this._rows = data.rows;
      this._points = [];
      this.featureCount = data.rows.length;
    },

    // The practice at ``index`` as a GeoJSON feature.
    featureAt: function (index) {
      var row = this._rows[index], at = this._at, network = this._networks[row[at.group]];
      var properties = {};
      this._columns.forEach(function (name, i) {
        if (name !== "latitude" && name !== "longitude" && name !== "group") {
          properties[name] = row[i];
        }
      });
      this._groups.forEach(function (name, i) {
        if (name !== "colour") { properties[name] = network[i]; }
      });
      return {type: "Feature",
              geometry: {type: "Point", coordinates: [row[at.longitude], row[at.latitude]]},
              properties: properties};
    },

    // The index of the practice with ODS code ``code`` (-1 when not drawn).
    indexOf: function (code) {
      var column = this._at.practice_code;
      for (var i = 0; i < this._rows.length; i++) {
        if (this._rows[i][column] === code) { return i; }
      }
      return -1;
    },

    latLngOf: function (index) {
      return L.latLng(this._rows[index][this._at.latitude], this._rows[index][this._at.longitude]);
    },

    getBounds: function () {
      var at = this._at;
      return L.latLngBounds(this._rows.map(function (row) {
        return [row[at.latitude], row[at.longitude]];
      }));
    },

    // Smaller dots while all England is in view: thousands of full-size
    // ringed dots would cover the map in black.
    radiusAt: function (zoom) {
      return zoom < 8 ? 2.5 : zoom < 10 ? 3.5 : this.options.radius;
    },

    _project: function () {
      var project = projector(this._map), rows = this._rows;
      var latitude = this._at.latitude, longitude = this._at.longitude;
      var reach = this.options.radius + this.options.weight + 1;
      var points = this._points = new Array(rows.length);
      var bounds = new L.Bounds();
      for (var i = 0; i < rows.length; i++) {
        var xy = project(rows[i][longitude], rows[i][latitude]);
        points[i] = L.point(xy[0], xy[1]);
        bounds.extend(points[i]);
      }
      this._pxBounds = rows.length ? L.bounds(bounds.min.subtract([reach, reach]),
                                              bounds.max.add([reach, reach])) : null;
    },

    _updatePath: function () {
      var renderer = this._renderer;
      if (!renderer._drawing || !this._pxBounds) { return; }
      var context = renderer._ctx, view = renderer._bounds, options = this.options;
      var radius = this.radiusAt(this._map.getZoom()), byColour = {}, colour, i;
      var group = this._at.group, paint = this._group.colour;
      var weight = radius < options.radius ? Math.min(0.6, options.weight) : options.weight;
      for (i = 0; i < this._points.length; i++) {
        var point = this._points[i];
        if (point.x + radius < view.min.x || point.x - radius > view.max.x ||
            point.y + radius < view.min.y || point.y - radius > view.max.y) { continue; }
        colour = this._networks[this._rows[i][group]][paint];
        (byColour[colour] || (byColour[colour] = [])).push(point);
      }
      // One fill and one stroke per network colour, not per practice.
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
        // A light ring under the dark outline: a dot in its network's colour
        // stays visible on that network's own fill, and on any other.
        context.globalAlpha = options.opacity;
        context.lineWidth = weight + 2;
        context.strokeStyle = options.haloColor;
        context.stroke();
        context.lineWidth = weight;
        context.strokeStyle = options.color;
        context.stroke();
      }
    },

    // The practice nearest ``point`` within a circle's reach; the later one
    // where circles overlap (it is drawn on top).
    _containsPoint: function (point) {
      var reach = this.radiusAt(this._map.getZoom()) + this._clickTolerance();
      var best = reach * reach;
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
  // ``colour`` property (or the layer's fillColor) unless ``fill`` is false;
  // the one under the pointer is outlined more heavily (``highlightWeight``).
  L.PcnmapShapes = Many.extend({
    options: {color: "#555555", weight: 1, opacity: 1, fill: true, fillOpacity: 0.35,
              fillColor: "#dddddd", highlightWeight: 3, dashArray: null, back: false},

    // A basemap (``back``) stays under every other layer, also when a layer
    // control adds it again after another base layer.
    onAdd: function (map) {
      L.Path.prototype.onAdd.call(this, map);
      if (this.options.back) { this.bringToBack(); }
    },

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

    // Each feature's rings in whole layer pixels, as flat [x, y, x, y, ...]
    // arrays without repeated points (a national map at a low zoom has many
    // vertices to a pixel), its pixel box and its outline as SVG path text.
    // Neighbours share their edges' vertices, so rounding and dropping
    // repeats the same way keeps their shared edges identical.
    _project: function () {
      var project = projector(this._map), bounds = new L.Bounds();
      this._rings = [];
      this._boxes = [];
      this._outlines = [];
      this._drawn = null;
      for (var i = 0; i < this._features.length; i++) {
        var geometry = this._features[i].geometry;
        var polygons = !geometry ? [] : geometry.type === "Polygon" ? [geometry.coordinates]
                     : geometry.type === "MultiPolygon" ? geometry.coordinates : [];
        var rings = [], outline = "";
        var left = Infinity, top = Infinity, right = -Infinity, bottom = -Infinity;
        for (var p = 0; p < polygons.length; p++) {
          for (var r = 0; r < polygons[p].length; r++) {
            var ring = [], lastX = NaN, lastY = NaN, coordinates = polygons[p][r];
            for (var v = 0; v < coordinates.length; v++) {
              var point = project(coordinates[v][0], coordinates[v][1]);
              var x = point[0], y = point[1];
              if (x !== lastX || y !== lastY) {
                ring.push(x, y);
                lastX = x;
                lastY = y;
              }
            }
            // A ring within a pixel or two draws nothing.
            if (ring.length < 6) { continue; }
            for (v = 0; v < ring.length; v += 2) {
              left = Math.min(left, ring[v]);
              right = Math.max(right, ring[v]);
              top = Math.min(top, ring[v + 1]);
              bottom = Math.max(bottom, ring[v + 1]);
            }
            rings.push(ring);
            outline += "M" + ring.join(" ") + "Z";
          }
        }
        var box = rings.length ? L.bounds([left, top], [right, bottom]) : null;
        this._rings.push(rings);
        this._boxes.push(box);
        this._outlines.push(outline);
        if (rings.length) { bounds.extend(box); }
      }
      var reach = this.options.highlightWeight;
      this._pxBounds = bounds.min ? L.bounds(bounds.min.subtract([reach, reach]),
                                                   bounds.max.add([reach, reach])) : null;
    },

    // One Path2D per colour of the shapes in ``view``, made from their SVG
    // outlines (the browser parses a path's text far faster than it takes
    // a call per vertex); kept until the view or the zoom changes, so
    // redrawing for a highlight reuses them.
    _pathsIn: function (view) {
      var shown = [], byColour = {}, colour, i;
      for (i = 0; i < this._features.length; i++) {
        if (this._boxes[i] && this._boxes[i].intersects(view)) { shown.push(i); }
      }
      var key = shown.join(",");
      if (this._drawn && this._drawn.key === key) { return this._drawn; }
      shown.forEach(function (index) {
        colour = this._features[index].properties.colour || this.options.fillColor;
        (byColour[colour] || (byColour[colour] = [])).push(this._outlines[index]);
      }, this);
      var paths = [];
      for (colour in byColour) {
        paths.push({colour: colour, path: new Path2D(byColour[colour].join(""))});
      }
      this._drawn = {key: key, shown: shown, paths: paths};
      return this._drawn;
    },

    _updatePath: function () {
      var renderer = this._renderer;
      if (!renderer._drawing || !this._pxBounds) { return; }
      var context = renderer._ctx, options = this.options;
      var drawn = this._pathsIn(renderer._bounds);
      // One fill per colour and one stroke per colour, not a fill and a
      // stroke per shape.
      if (options.fill) {
        context.globalAlpha = options.fillOpacity;
        drawn.paths.forEach(function (item) {
          context.fillStyle = item.colour;
          context.fill(item.path, "evenodd");
        });
      }
      context.globalAlpha = options.opacity;
      context.strokeStyle = options.color;
      context.lineJoin = context.lineCap = "round";
      context.lineWidth = options.weight;
      // A dashed outline reads over another layer's fill without mixing with it.
      context.setLineDash(options.dashArray || []);
      drawn.paths.forEach(function (item) { context.stroke(item.path); });
      context.setLineDash([]);
      if (drawn.shown.indexOf(this.highlighted) >= 0) {
        context.lineWidth = options.highlightWeight;
        context.stroke(new Path2D(this._outlines[this.highlighted]));
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
          for (var j = 0, k = ring.length - 2; j < ring.length; k = j, j += 2) {
            var ax = ring[j], ay = ring[j + 1], bx = ring[k], by = ring[k + 1];
            if ((ay > point.y) !== (by > point.y) &&
                point.x < (bx - ax) * (point.y - ay) / (by - ay) + ax) {
              inside = !inside;
            }
          }
        }
        if (inside) { this.hit = i; }
      }
      return this.hit >= 0;
    }
  });

  // The characters an escaped text stands for. Labels are drawn on the
  // canvas (fillText shows "&amp;" as written), never as HTML, so decoding
  // the five entities pcnmap's escaping writes is safe here.
  var ENTITIES = {"&amp;": "&", "&lt;": "<", "&gt;": ">", "&quot;": "\"", "&#x27;": "'",
                  "&#96;": "`", "&#36;": "$", "&#92;": "\\"};
  function unescapeText(text) {
    return String(text).replace(/&(amp|lt|gt|quot|#x27|#96|#36|#92);/g, function (entity) {
      return ENTITIES[entity];
    });
  }
  L.pcnmapUnescape = unescapeText;

  // Which labels to draw: each candidate ({x, y, width, height}, centred on
  // x, y) in the order given (the most important first) unless its box,
  // padded by ``gap`` pixels, overlaps one already placed or leaves ``view``
  // (an L.Bounds). Returns the placed candidates with their ``box``.
  function placeLabels(candidates, view, gap) {
    var placed = [];
    for (var i = 0; i < candidates.length; i++) {
      var c = candidates[i], halfW = c.width / 2 + gap, halfH = c.height / 2 + gap;
      var box = {left: c.x - halfW, right: c.x + halfW, top: c.y - halfH, bottom: c.y + halfH};
      if (box.left < view.min.x || box.right > view.max.x || box.top < view.min.y ||
          box.bottom > view.max.y) { continue; }
      var free = true;
      for (var j = 0; j < placed.length && free; j++) {
        var other = placed[j].box;
        free = box.right <= other.left || box.left >= other.right || box.bottom <= other.top ||
               box.top >= other.bottom;
      }
      if (free) { placed.push({x: c.x, y: c.y, text: c.text, box: box}); }
    }
    return placed;
  }
  L.pcnmapPlaceLabels = placeLabels;

  // A label's font (``"italic 12px sans-serif"``) scaled by the page's
  // ``--pcnmap-label-scale`` (1 unless set: presentation mode sets 1.7, so a
  // room reads the names at 18-22 px).
  function scaledFont(font) {
    var scale = window.getComputedStyle ? parseFloat(window.getComputedStyle(
      document.documentElement).getPropertyValue("--pcnmap-label-scale")) || 1 : 1;
    return font.replace(/(\d+(\.\d+)?)px/, function (_, px) {
      return (parseFloat(px) * scale).toFixed(1) + "px";
    });
  }
  L.pcnmapScaledFont = scaledFont;

  // Names (places, networks, commissioners) drawn on the canvas as one
  // layer: rows of [latitude, longitude, escaped text], the most important
  // first; none below ``minZoom``, and none over another (placeLabels).
  // ``font`` is the font the names were last drawn in (scaled: what a room
  // reads), null until they are; for reading only.
  L.PcnmapLabels = L.Path.extend({
    options: {interactive: false, minZoom: 0, font: "12px sans-serif", color: "#333333",
              haloColor: "#ffffff", gap: 2},
    font: null,

    initialize: function (rows, options) {
      L.setOptions(this, options);
      this._rows = rows;
      this._texts = rows.map(function (row) { return unescapeText(row[2]); });
      this._points = [];
      this.featureCount = rows.length;
      this.placed = [];
    },

    _project: function () {
      var project = projector(this._map), bounds = new L.Bounds();
      this._points = this._rows.map(function (row) {
        var xy = project(row[1], row[0]);
        bounds.extend(L.point(xy[0], xy[1]));
        return xy;
      });
      // Room for a label's width either side of its point.
      this._pxBounds = this._rows.length ? L.bounds(bounds.min.subtract([150, 20]),
                                                    bounds.max.add([150, 20])) : null;
    },

    _update: function () {
      if (this._map) { this._updatePath(); }
    },

    _updatePath: function () {
      var renderer = this._renderer;
      if (!renderer._drawing || !this._pxBounds) { return; }
      this.placed = [];
      if (this._map.getZoom() < this.options.minZoom) { return; }
      var context = renderer._ctx, options = this.options, view = renderer._bounds;
      // Names grow on a projector (presentation mode), so a room can read them.
      var font = this.font = scaledFont(options.font);
      context.save();
      context.font = font;
      context.textAlign = "center";
      context.textBaseline = "middle";
      var height = parseFloat(font.match(/(\d+(\.\d+)?)px/)[1]) + 2;
      var candidates = [];
      for (var i = 0; i < this._points.length; i++) {
        var point = this._points[i];
        if (!view.contains(point)) { continue; }
        candidates.push({x: point[0], y: point[1], text: this._texts[i], height: height,
                         width: context.measureText(this._texts[i]).width});
      }
      this.placed = placeLabels(candidates, view, options.gap);
      context.globalAlpha = 1;
      context.lineJoin = "round";
      context.lineWidth = 3;
      context.strokeStyle = options.haloColor;
      context.fillStyle = options.color;
      this.placed.forEach(function (label) {
        context.strokeText(label.text, label.x, label.y);
        context.fillText(label.text, label.x, label.y);
      });
      context.restore();
    },

    _containsPoint: function () { return false; }
  });

  L.pcnmapLabels = function (rows, options) {
    return new L.PcnmapLabels(rows, options);
  };

  // How far to move a box (its top-left corner at ``left``, ``top``, in map
  // container pixels) so that it lies inside a map of ``size``: the least
  // shift that keeps every edge in, the top-left one where it cannot fit.
  function shiftInside(left, top, width, height, size) {
    var dx = 0, dy = 0;
    if (left + width > size.x) { dx = size.x - (left + width); }
    if (left + dx < 0) { dx = -left; }
    if (top + height > size.y) { dy = size.y - (top + height); }
    if (top + dy < 0) { dy = -top; }
    return [dx, dy];
  }
  L.pcnmapShiftInside = shiftInside;

  // Keep ``tooltip`` inside its map's frame at all four edges: a tooltip
  // that follows the pointer is otherwise cut off by the frame near an edge.
  function keptInside(tooltip) {
    var place = tooltip._setPosition;
    tooltip._setPosition = function (position) {
      place.call(this, position);
      var map = this._map, container = this._container;
      if (!map || !container) { return; }
      var at = L.DomUtil.getPosition(container);
      var corner = map.layerPointToContainerPoint(at);
      // Leaflet's CSS sets a tooltip 6 pixels off its point by a margin
      // (towards its arrow's side): the box drawn is there.
      var style = window.getComputedStyle ? window.getComputedStyle(container) : null;
      var marginX = style ? parseFloat(style.marginLeft) || 0 : 0;
      var marginY = style ? parseFloat(style.marginTop) || 0 : 0;
      var shift = shiftInside(corner.x + marginX, corner.y + marginY, container.offsetWidth,
                              container.offsetHeight, map.getSize());
      if (shift[0] || shift[1]) { L.DomUtil.setPosition(container, at.add(shift)); }
    };
    return tooltip;
  }

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
    keptInside(group.getTooltip());
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

  L.pcnmapPractices = function (networks, data, labels, options) {
    return grouped(new L.PcnmapPractices(networks, data, options), function (practice) {
      var p = practice.properties;
      return [[labels[0], p.practice_name], [labels[1], p.practice_code], [labels[2], p.postcode],
              [labels[3], p.network_name], [labels[4], p.patients]];
    });
  };

  // fields: [property, label] pairs shown in the tooltip (none: no tooltip).
  L.pcnmapShapes = function (collection, fields, style) {
    var layer = new L.PcnmapShapes(collection, style);
    if (!fields.length) { return layer; }
    return grouped(layer, function (shape) {
      return fields.map(function (pair) { return [pair[1], shape.properties[pair[0]]]; });
    });
  };
})();
