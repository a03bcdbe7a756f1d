// Pictures and reports: hand-written SVG charts shared by the CLI.
export { type Figure, toSvg } from "./svg.js";
export { lineChart, type Series, type LineChartOptions } from "./line-chart.js";
export { decisionBoundary, boundarySegments, type OutputGrid, type LabelledPoints, type DecisionBoundaryOptions } from "./decision-boundary.js";
export { imageGrid, type ImageGridOptions } from "./image-grid.js";
export { confusionMatrix, confusionCounts, type ConfusionMatrixOptions } from "./confusion-matrix.js";
export { smallMultiples, noticePanel } from "./small-multiples.js";
export { histogram, binCounts, type HistogramOptions } from "./histogram.js";
export { scatterPlot, sharedDomains, type ScatterOptions } from "./scatter.js";
export { dagFigure, type DagFigureOptions } from "./dag.js";
export { explainHtml, type ExplainPageOptions, type ExplainPageStep } from "./explain-page.js";
export { reportHtml, type ReportOptions, type ReportSection, type ReportTable } from "./html.js";
export { zeroContour, type Segment } from "./contour.js";
export { boundaryPixels, valuePixels } from "./pixels.js";
export { contourMap, colorBar, bandEdges, type ColorScale, type ContourMapOptions } from "./contour-map.js";
export { sequential, PART_COLORS } from "./color.js";
export { fitPlot, parityPlot, type PartPoints, type FitPlotOptions, type ParityPlotOptions } from "./regression.js";
export { extent, niceTicks } from "./scale.js";
