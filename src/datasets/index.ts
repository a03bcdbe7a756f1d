// The datasets layer's public surface: seeded generators, loaders of CSV text
// and IDX bytes, and the tools that prepare data for training. Reading files
// (and the MNIST digits of the mnist package) is dagrad/node's (src/node).
export type { Dataset, Seed } from "./common.js";
export { DatasetError } from "./errors.js";
export { xor, and, or, type TruthTableOptions } from "./logic.js";
export { moons, circles, spirals, blobs, xorClusters, type MoonsOptions, type CirclesOptions, type SpiralsOptions, type BlobsOptions, type XorClustersOptions } from "./synthetic.js";
export { sine, surface, type RegressionOptions } from "./regression.js";
export { grid, type Grid, type GridOptions } from "./grid.js";
export { loadIdx, type IdxOptions } from "./idx.js";
export { loadCsv, type CsvOptions } from "./csv.js";
export { trainTestSplit, type Split, type SplitOptions } from "./split.js";
export { StandardScaler, MinMaxScaler, type MinMaxScalerOptions } from "./scalers.js";
export { oneHot, type OneHotOptions } from "./onehot.js";
export { DataLoader, type DataLoaderOptions } from "./loader.js";
