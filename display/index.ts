/**
 * Rich display for notebooks: MIME bundles with static fallbacks for
 * tensors, images, plots, live training curves, progress bars and widgets.
 * Inside the kernel this namespace is preloaded as `display`.
 */
import { setTensorDisplay } from "../tensor/format.js";
import { tensorBundle as richTensorBundle } from "./tensor.js";

export type { Comm, DisplayChannel, MimeBundle, MimeMetadata } from "./channel.js";
export { displayChannel, setDisplayChannel } from "./channel.js";
export { type ColorScale, type ColorScaleName, colorScales, palette } from "./colormap.js";
export {
  type CurveInput,
  type CurvePoint,
  type TrainingCurvesOptions,
  TrainingCurves,
  trainingCurves,
} from "./curves.js";
export type {
  AxisLayout,
  BarTrace,
  FigureSpec,
  HeatmapTrace,
  Layout,
  ScatterTrace,
  Trace,
} from "./figure.js";
export { bundleOf, DISPLAY, type Displayable, isDisplayable, Rich } from "./mime.js";
export {
  Figure,
  loadPlotly,
  PLOTLY_MIME,
  type PlotOptions,
  plot,
  setPlotlyInlining,
} from "./plot.js";
export { encodePng, type Pixels, upscale } from "./png.js";
export { ProgressBar, type ProgressOptions, progress } from "./progress.js";
export { html, latex, markdown, png, svg } from "./rich.js";
export { clear, type ShowOptions, show, update } from "./show.js";
export { flushPendingDisplays } from "./throttle.js";
export {
  attention,
  type ChartOptions,
  type Classifier2D,
  confusionMatrix,
  decisionBoundary,
  heatmap,
  histogram,
  histograms,
  scatter,
} from "./charts.js";
export { isTensorLike, type TensorLike } from "./values.js";
export {
  type TensorStats,
  type TensorViewOptions,
  tensor,
  tensorBundle,
  tensorHtml,
  tensorStats,
  tensorText,
} from "./tensor.js";
export { formatTensor, printOptions, type TensorMeta } from "../tensor/print.js";
export {
  featureMaps,
  filters,
  type GridOptions,
  grid,
  type HookableModule,
  type ImageOptions,
  type ImageRange,
  image,
  saliency,
} from "./image.js";
export { autogradGraph, type GraphLike, type GraphNodeLike, layoutGraph } from "./graph.js";
export {
  Button,
  Checkbox,
  type ControlSpec,
  type ControlValue,
  type ControlValues,
  Dropdown,
  FloatSlider,
  HBox,
  IntSlider,
  Interactive,
  interact,
  interactive,
  Label,
  Output,
  type SliderOptions,
  VBox,
  WIDGET_PROTOCOL_VERSION,
  WIDGET_TARGET,
  WIDGET_VIEW_MIME,
  Widget,
} from "./widgets.js";

// Every tensor displays through the rich view (table, stats) once display/ is
// loaded; tensor/ cannot import display/, so display/ installs itself.
setTensorDisplay((t) => richTensorBundle(t));
