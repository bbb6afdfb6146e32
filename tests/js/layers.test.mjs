// layers.js on its own, with Node's test runner: the real Leaflet (from the
// installed package, path in LEAFLET_JS) on a minimal stand-in for a
// browser, a stand-in map, and the layers' projection, hit testing and
// tooltips checked against Leaflet's own arithmetic. Run from the repository
// root with `node --test tests/js/` (.ci/run does, before the Python tests):
// LEAFLET_JS names Leaflet's leaflet-src.js (by default the one installed in
// .venv by requirements.txt), LAYERS_JS layers.js (by default pcnmap's).
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import vm from "node:vm";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

function installedLeaflet() {
  const lib = join(root, ".venv", "lib");
  const python = existsSync(lib) ? readdirSync(lib).find((name) => name.startsWith("python")) : null;
  const found = python && join(lib, python, "site-packages", "js_lib_leaflet", "static",
                               "js_lib_leaflet", "leaflet-src.js");
  if (!found || !existsSync(found)) {
    throw new Error("Leaflet not found: install requirements.txt into .venv, or set LEAFLET_JS");
  }
  return found;
}

const leafletPath = process.env.LEAFLET_JS || installedLeaflet();
const layersPath = process.env.LAYERS_JS || join(root, "pcnmap", "maps", "layers.js");

// What Leaflet reads of a browser as it loads, and no more.
function browser() {
  const element = () => ({ style: {}, getContext: () => null, appendChild() {} });
  const context = {
    navigator: { userAgent: "node", platform: "node", maxTouchPoints: 0 },
    document: { documentElement: { style: {} }, createElement: element,
                getElementsByTagName: () => [] },
    devicePixelRatio: 1,
    console,
  };
  context.window = context;
  context.self = context;
  vm.createContext(context);
  vm.runInContext(readFileSync(leafletPath, "utf8"), context);
  vm.runInContext(readFileSync(layersPath, "utf8"), context);
  return context;
}

// A stand-in map at ``zoom`` whose pixel origin is Leaflet's own for a view
// centred on ``centre``: what the layers ask a map for.
function map(L, zoom, centre) {
  const crs = L.CRS.EPSG3857;
  const origin = crs.latLngToPoint(L.latLng(centre), zoom).subtract([683, 384]).round();
  return {
    options: { crs },
    getZoom: () => zoom,
    getPixelOrigin: () => origin,
    latLngToLayerPoint: (latlng) => crs.latLngToPoint(L.latLng(latlng), zoom)._subtract(origin)
      .round(),
  };
}

// A value made in the layers' own context, as this context's plain data
// (arrays from another context are not deepStrictEqual to this one's).
const plain = (value) => JSON.parse(JSON.stringify(value));

// The practice rows as pcnmap/maps/layerdata.py lays them out (PRACTICE_ROW,
// GROUP_ROW), their column names with them.
const networks = [["U00001", "North &amp; Coast PCN", "#332288"], ["", "In no network", "#EE3377"]];
const columns = ["latitude", "longitude", "group", "practice_code", "practice_name", "postcode",
                 "patients"];
const groups = ["network_code", "network_name", "colour"];
const rows = [
  [53.76, -2.70, 0, "P81001", "RIVERSIDE &lt;b&gt;", "PR1 1AA", "9,000"],
  [53.70, -2.60, 1, "P81002", "HILL &#36;{x}", "PR2 2BB", "4,000"],
];
const practices = { columns, groups, rows };

test("practices are projected exactly as Leaflet projects them", () => {
  const { L } = browser();
  for (const zoom of [6, 9, 13]) {
    const layer = new L.PcnmapPractices(networks, practices);
    layer._map = map(L, zoom, [53.7, -2.65]);
    layer._project();
    rows.forEach((row, i) => {
      const expected = layer._map.latLngToLayerPoint([row[0], row[1]]);
      assert.deepEqual([layer._points[i].x, layer._points[i].y], [expected.x, expected.y]);
    });
  }
});

test("the practice under the pointer is hit, and nothing beside it", () => {
  const { L } = browser();
  const layer = new L.PcnmapPractices(networks, practices);
  layer._map = map(L, 11, [53.73, -2.65]);
  layer._clickTolerance = () => 0;
  layer._project();
  const second = layer._points[1];
  assert.equal(layer._containsPoint(L.point(second.x + 3, second.y - 2)), true);
  assert.equal(layer.hit, 1);
  assert.deepEqual(plain(layer.featureAt(1)), {
    type: "Feature", geometry: { type: "Point", coordinates: [-2.60, 53.70] },
    properties: { practice_code: "P81002", practice_name: "HILL &#36;{x}", postcode: "PR2 2BB",
                  patients: "4,000", network_code: "", network_name: "In no network" } });
  assert.equal(layer.featureAt(0).properties.network_code, "U00001");
  assert.equal(layer._containsPoint(L.point(second.x + 40, second.y)), false);
  assert.equal(layer.hit, -1);
  assert.equal(layer.indexOf("P81001"), 0);
  assert.equal(layer.indexOf("Q00000"), -1);
});

function square(west, south, east, north, properties) {
  return { type: "Feature", properties,
           geometry: { type: "Polygon", coordinates: [[[west, south], [east, south],
                                                        [east, north], [west, north],
                                                        [west, south]]] } };
}

test("a shape is hit inside its outline, by the even-odd rule", () => {
  const { L } = browser();
  const donut = { type: "Feature", properties: { network_code: "U00002" },
                  geometry: { type: "Polygon", coordinates: [
                    [[-2.9, 53.5], [-2.5, 53.5], [-2.5, 53.9], [-2.9, 53.9], [-2.9, 53.5]],
                    [[-2.8, 53.6], [-2.6, 53.6], [-2.6, 53.8], [-2.8, 53.8], [-2.8, 53.6]]] } };
  const layer = new L.PcnmapShapes({ features: [donut] }, {});
  layer._map = map(L, 9, [53.7, -2.7]);
  layer._project();
  const at = (lng, lat) => layer._map.latLngToLayerPoint([lat, lng]);
  assert.equal(layer._containsPoint(at(-2.85, 53.7)), true);   // in the ring
  assert.equal(layer._containsPoint(at(-2.70, 53.7)), false);  // in the hole
  assert.equal(layer._containsPoint(at(-3.20, 53.7)), false);  // outside
});

test("of two overlapping shapes, the one drawn last is hit", () => {
  const { L } = browser();
  const layer = new L.PcnmapShapes({ features: [
    square(-3, 53, -2, 54, { name: "under" }), square(-2.6, 53.4, -2.4, 53.6, { name: "over" })] },
    {});
  layer._map = map(L, 8, [53.5, -2.5]);
  layer._project();
  assert.equal(layer._containsPoint(layer._map.latLngToLayerPoint([53.5, -2.5])), true);
  assert.equal(layer.featureAt(layer.hit).properties.name, "over");
});

test("tooltips join the escaped text as it is, never unescaping it", () => {
  const { L } = browser();
  const group = L.pcnmapPractices(networks, practices,
                                  ["Practice", "ODS code", "Postcode", "Network", "Patients"]);
  const layer = group.getLayers()[0];
  layer.hit = 1;
  const html = group.getTooltip()._content(layer);
  assert.match(html, /HILL &#36;\{x\}/);
  assert.match(html, /In no network/);
  assert.doesNotMatch(html, /\$\{x\}/);
  layer.hit = 0;
  const first = group.getTooltip()._content(layer);
  assert.match(first, /RIVERSIDE &lt;b&gt;/);
  assert.match(first, /North &amp; Coast PCN/);
  assert.doesNotMatch(first, /<b>/);
});

test("labels are placed most important first, none over another, all inside the view", () => {
  const { L } = browser();
  const view = L.bounds([0, 0], [200, 100]);
  const placed = L.pcnmapPlaceLabels([
    { x: 50, y: 50, width: 60, height: 12, text: "Preston" },
    { x: 70, y: 52, width: 60, height: 12, text: "Chorley" },   // overlaps Preston
    { x: 150, y: 50, width: 40, height: 12, text: "Leyland" },
    { x: 195, y: 20, width: 40, height: 12, text: "Fylde" },    // runs off the right edge
    { x: 50, y: 70, width: 60, height: 12, text: "Wyre" },      // below Preston, clear
  ], view, 2);
  assert.deepEqual(plain(placed.map((label) => label.text)), ["Preston", "Leyland", "Wyre"]);
  for (const a of placed) {
    assert.ok(a.box.left >= 0 && a.box.right <= 200 && a.box.top >= 0 && a.box.bottom <= 100);
    for (const b of placed) {
      if (a !== b) {
        assert.ok(a.box.right <= b.box.left || a.box.left >= b.box.right ||
                  a.box.bottom <= b.box.top || a.box.top >= b.box.bottom);
      }
    }
  }
});

test("a label layer draws the characters its escaped text stands for, from its zoom", () => {
  const { L } = browser();
  assert.equal(L.pcnmapUnescape("Preston &amp; Chorley &lt;b&gt; &#36;{x} &#96; &#x27;"),
               "Preston & Chorley <b> ${x} ` '");
  // Nothing is unescaped twice: "&amp;lt;" is the text "&lt;", not "<".
  assert.equal(L.pcnmapUnescape("&amp;lt;"), "&lt;");
  const drawn = [];
  const context = {
    save() {}, restore() {}, measureText: (text) => ({ width: text.length * 6 }),
    strokeText() {}, fillText: (text, x, y) => drawn.push([text, x, y]),
  };
  const layer = new L.PcnmapLabels([[53.76, -2.70, "Preston &amp; Chorley"],
                                    [53.70, -2.40, "&lt;b&gt;Hill"]], { minZoom: 9 });
  for (const zoom of [8, 10]) {
    drawn.length = 0;
    layer._map = map(L, zoom, [53.73, -2.55]);
    layer._renderer = { _drawing: true, _ctx: context,
                        _bounds: L.bounds([-100000, -100000], [100000, 100000]) };
    layer._project();
    layer._updatePath();
    if (zoom < 9) {
      assert.equal(drawn.length, 0);
    } else {
      assert.deepEqual(drawn.map((item) => item[0]).sort(), ["<b>Hill", "Preston & Chorley"]);
      const expected = layer._map.latLngToLayerPoint([53.76, -2.70]);
      const preston = drawn.find((item) => item[0] === "Preston & Chorley");
      assert.deepEqual([preston[1], preston[2]], [expected.x, expected.y]);
    }
  }
  assert.equal(layer._containsPoint(L.point(0, 0)), false);
});

test("a box is moved inside the map at each of its four edges, and no further", () => {
  const { L } = browser();
  const size = L.point(400, 300);
  assert.deepEqual(plain(L.pcnmapShiftInside(-30, 100, 120, 50, size)), [30, 0]);     // left
  assert.deepEqual(plain(L.pcnmapShiftInside(350, 100, 120, 50, size)), [-70, 0]);    // right
  assert.deepEqual(plain(L.pcnmapShiftInside(100, -10, 120, 50, size)), [0, 10]);     // top
  assert.deepEqual(plain(L.pcnmapShiftInside(100, 280, 120, 50, size)), [0, -30]);    // bottom
  assert.deepEqual(plain(L.pcnmapShiftInside(-5, -5, 500, 400, size)), [5, 5]);       // too big: top-left
  assert.deepEqual(plain(L.pcnmapShiftInside(10, 10, 120, 50, size)), [0, 0]);        // inside already
});

test("a layer's tooltip is kept inside its map when placed past an edge", () => {
  const { L } = browser();
  const group = L.pcnmapPractices(networks, practices,
                                  ["Practice", "ODS code", "Postcode", "Network", "Patients"]);
  const tooltip = group.getTooltip();
  const container = { offsetWidth: 200, offsetHeight: 80, style: {},
                      classList: { add() {}, remove() {} } };
  const size = L.point(500, 400);
  tooltip._container = container;
  tooltip._map = {
    getSize: () => size, getCenter: () => L.latLng(0, 0),
    latLngToContainerPoint: () => L.point(250, 200),
    layerPointToContainerPoint: (point) => L.point(point.x, point.y),
  };
  tooltip.options.direction = "right";
  tooltip.options.offset = [0, 0];
  for (const [at, inside] of [[[-50, 200], [0, 160]], [[480, 200], [300, 160]],
                              [[100, 5], [100, 0]], [[100, 395], [100, 320]]]) {
    tooltip._setPosition(L.point(at[0], at[1]));
    const position = L.DomUtil.getPosition(container);
    assert.deepEqual([position.x, position.y], inside, `placed at ${at}`);
  }
});

test("practices are ringed light then dark, so they show on any fill, smaller at England's scale", () => {
  const { L } = browser();
  const strokes = [];
  const context = {
    beginPath() {}, moveTo() {}, arc() {}, fill() {},
    stroke() { strokes.push([this.strokeStyle, this.lineWidth]); },
  };
  const layer = new L.PcnmapPractices(networks, practices);
  for (const zoom of [12, 6]) {
    strokes.length = 0;
    layer._map = map(L, zoom, [53.73, -2.65]);
    layer._renderer = { _drawing: true, _ctx: context,
                        _bounds: L.bounds([-1e6, -1e6], [1e6, 1e6]) };
    layer._project();
    layer._updatePath();
    // Per network colour: a wide light ring, then the dark outline over it.
    assert.equal(strokes.length, 2 * networks.length);
    const [halo, outline] = strokes;
    assert.equal(halo[0], "#ffffff");
    assert.equal(outline[0], "#111111");
    assert.ok(halo[1] > outline[1]);
    assert.equal(layer.radiusAt(zoom), zoom >= 10 ? 5 : 2.5);
  }
});

test("names grow by the page's label scale (presentation mode sets 1.7), and not otherwise", () => {
  const { L } = browser();
  assert.equal(L.pcnmapScaledFont("italic 12px sans-serif"), "italic 12.0px sans-serif");
  const scaled = browser();
  scaled.window.getComputedStyle = () => ({ getPropertyValue: () => " 1.7" });
  assert.equal(scaled.L.pcnmapScaledFont("italic 12px sans-serif"),
               "italic 20.4px sans-serif");
  assert.equal(scaled.L.pcnmapScaledFont("bold 11px sans-serif"), "bold 18.7px sans-serif");
});

test("a names layer tells the font it drew its names in: the scaled one, none before", () => {
  for (const [scale, expected] of [[null, "bold 11.0px sans-serif"], [" 1.7", "bold 18.7px sans-serif"]]) {
    const page = browser();
    if (scale) { page.window.getComputedStyle = () => ({ getPropertyValue: () => scale }); }
    const { L } = page;
    const fonts = [];
    const context = {
      save() {}, restore() {}, measureText: (text) => ({ width: text.length * 6 }),
      strokeText() {}, fillText() { fonts.push(this.font); },
    };
    const layer = new L.PcnmapLabels([[53.76, -2.70, "Chorley"]],
                                     { font: "bold 11px sans-serif", minZoom: 9 });
    layer._renderer = { _drawing: true, _ctx: context,
                        _bounds: L.bounds([-100000, -100000], [100000, 100000]) };
    layer._map = map(L, 8, [53.73, -2.55]);
    layer._project();
    layer._updatePath();
    assert.equal(layer.font, null);  // below its zoom: nothing drawn, no font
    layer._map = map(L, 10, [53.73, -2.55]);
    layer._project();
    layer._updatePath();
    assert.equal(layer.font, expected);
    assert.deepEqual(fonts, [expected]);  // the font the name was drawn in
  }
});

test("a practice row is read by its columns' names, in whatever order they come", () => {
  const { L } = browser();
  const order = [6, 5, 4, 3, 2, 1, 0];
  const reordered = { columns: order.map((i) => columns[i]), groups: ["colour", "network_name",
                                                                      "network_code"],
                      rows: rows.map((row) => order.map((i) => row[i])) };
  const layer = new L.PcnmapPractices(networks.map((n) => [n[2], n[1], n[0]]), reordered);
  assert.deepEqual(plain(layer.featureAt(0).properties),
                   plain(new L.PcnmapPractices(networks, practices).featureAt(0).properties));
  assert.equal(layer.indexOf("P81002"), 1);
  assert.deepEqual(plain([layer.latLngOf(0).lat, layer.latLngOf(0).lng]), [53.76, -2.70]);
});
