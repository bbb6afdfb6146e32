"""Maps: the data each layer draws, escaping, colours, the SVG picture,
pcnmap's folium elements and their browser script (``layers.js``), and the
offline Leaflet files."""
