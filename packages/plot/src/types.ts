// Types of the builder, all taken from the `vega-lite` package so that a wrong mark, channel or
// option is a compile-time error.
import type { Config, TopLevelSpec } from "vega-lite";
import type { Mark, MarkDef } from "vega-lite/build/src/mark.js";
import type {
  CompositeMark,
  FacetedCompositeEncoding,
} from "vega-lite/build/src/compositemark/index.js";
import type { BoxPlotDef } from "vega-lite/build/src/compositemark/boxplot.js";
import type { ErrorBarDef } from "vega-lite/build/src/compositemark/errorbar.js";
import type { ErrorBandDef } from "vega-lite/build/src/compositemark/errorband.js";
import type { Field } from "vega-lite/build/src/channeldef.js";
import type {
  BaseSpec,
  GenericCompositionLayout,
  LayoutSizeMixins,
} from "vega-lite/build/src/spec/base.js";
import type { TopLevelProperties } from "vega-lite/build/src/spec/toplevel.js";
import type { FacetFieldDef, FacetMapping } from "vega-lite/build/src/spec/facet.js";
import type { RepeatMapping, LayerRepeatMapping } from "vega-lite/build/src/spec/repeat.js";
import type { Transform } from "vega-lite/build/src/transform.js";
import type { Resolve } from "vega-lite/build/src/resolve.js";
import type { UrlData } from "vega-lite/build/src/data.js";
import type { TopLevelParameter } from "vega-lite/build/src/spec/toplevel.js";

import type { TitleParams } from "vega-lite/build/src/title.js";
import type { ExprRef } from "vega-lite/build/src/expr.js";
import type { ColorScheme, SignalRef } from "vega";

export type { ColorScheme };

/** Title properties besides the text (font size, anchor, subtitle, ...). */
export type TitleOptions = Omit<TitleParams<ExprRef | SignalRef>, "text">;

export type { Config, TopLevelSpec, Transform, Resolve };

/** A mark type: a primitive mark (`"point"`, `"line"`, ...) or a composite one (`"boxplot"`, ...). */
export type MarkType = Mark | CompositeMark;

/** Options of `mark(type, opts)`: Vega-Lite's mark definition for that type, without `type`. */
export type MarkOptions<M extends MarkType> = M extends "boxplot"
  ? Omit<BoxPlotDef, "type">
  : M extends "errorbar"
    ? Omit<ErrorBarDef, "type">
    : M extends "errorband"
      ? Omit<ErrorBandDef, "type">
      : Omit<MarkDef<M & Mark>, "type">;

/** Every encoding channel of a unit chart (x, y, color, shape, ..., row, column, facet). */
export type Encoding = FacetedCompositeEncoding<Field>;

/** An encoding channel name. */
export type Channel = keyof Encoding;

/** Everything a channel accepts (a field, datum or value definition). */
export type ChannelDef<C extends Channel> = NonNullable<Encoding[C]>;

type FieldDefs<T> = T extends unknown
  ? "field" extends keyof T
    ? Omit<T, "field">
    : never
  : never;

/** Options of `encodeField(channel, field, opts)`: the channel's field definition, without `field`. */
export type FieldOptions<C extends Channel> = FieldDefs<ChannelDef<C>>;

/** What `encodeRepeat` refers to: the repeated row, column, layer or wrapped list. */
export type RepeatKey = "row" | "column" | "repeat" | "layer";

/** The repeat definition of `repeat(def, child)`: a wrapped list or rows/columns/layers of fields. */
export type RepeatDef = string[] | RepeatMapping | LayerRepeatMapping;

/** The facet definition of `facet(def, child)`: one field (wrapped) or a row/column mapping. */
export type FacetDef = FacetFieldDef<Field> | FacetMapping<Field>;

/** Options of `vl(opts)`: size, title and the other top-level properties. */
export type ChartOptions = Pick<BaseSpec, "title" | "name" | "description"> &
  LayoutSizeMixins &
  TopLevelProperties &
  GenericCompositionLayout & {
    config?: Config;
    columns?: number;
    params?: TopLevelParameter[];
    usermeta?: Record<string, unknown>;
  };

/** Options of `dataFromUrl(url, opts)`: the data format and name. */
export type UrlOptions = Omit<UrlData, "url">;

/** A Vega-Lite parameter definition without its name (`param(name, opts)`). */
export type ParamOptions = TopLevelParameter extends infer P
  ? P extends unknown
    ? Omit<P, "name">
    : never
  : never;

/** The concat layouts: a wrapped grid, a row or a column of charts. */
export type ConcatDirection = "wrappable" | "horizontal" | "vertical";
