// Pictures and reports: hand-written SVG charts shared by the CLI.
export { type Figure, toSvg } from "./svg.js";
export { lineChart, type Series, type LineChartOptions } from "./line-chart.js";
export { decisionBoundary, boundarySegments, type OutputGrid, type LabelledPoints, type DecisionBoundaryOptions } from "./decision-boundary.js";
export { imageGrid, type ImageGridOptions } from "./image-grid.js";
export { confusionMatrix, confusionCounts, type ConfusionMatrixOptions } from "./confusion-matrix.js";
export { smallMultiples, noticePanel } from "./small-multiples.js";
export { dagFigure, type DagFigureOptions } from "./dag.js";
export { reportHtml, type ReportOptions, type ReportSection, type ReportTable } from "./html.js";
export { zeroContour, type Segment } from "./contour.js";
export { boundaryPixels, valuePixels } from "./pixels.js";
export { niceTicks } from "./scale.js";
