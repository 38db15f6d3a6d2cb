'use strict';
// skillpulse's plotly.js bundle: the core (scatter and every layout component the app uses)
// with the bar and heatmap traces, and nothing else.
var Plotly = require('plotly.js/lib/core');
Plotly.register([require('plotly.js/lib/bar'), require('plotly.js/lib/heatmap')]);
module.exports = Plotly;
