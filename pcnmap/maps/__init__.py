"""Maps: the data each layer draws (layerdata), escaping, colours, the SVG
picture, pcnmap's folium elements and their browser script (elements,
``layers.js`` beside it), the offline Leaflet files (assets)."""
