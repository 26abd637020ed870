/**
 * Datasets shipped inside the package (see `datasets/SOURCES.md` for where each file came from and
 * its SHA-256). Each call reads the CSV afresh and returns a new DataFrame.
 */
import { fileURLToPath } from "node:url";
import { readCsv } from "./io.js";
import { pl } from "./polars.js";

/** The absolute path of a bundled dataset file, e.g. `datasetPath("iris.csv")`. */
export function datasetPath(file: string): string {
  return fileURLToPath(new URL(`../datasets/${file}`, import.meta.url));
}

/**
 * Fisher's Iris, UCI's `iris.data` version (the one Explorer ships): 150 rows of `sepal_length`,
 * `sepal_width`, `petal_length`, `petal_width` (f64, cm) and `species`. `species` comes back as a
 * category, as the seed post casts it, so `toTensor(iris, "species")` gives the codes 0, 1, 2
 * (setosa, versicolor, virginica, in order of appearance); pass `{ categorical: false }` for strings.
 */
export function iris(options: { categorical?: boolean } = {}): pl.DataFrame {
  const df = readCsv(datasetPath("iris.csv"));
  return options.categorical === false
    ? df
    : df.withColumns(pl.col("species").cast(pl.Categorical));
}

/**
 * UCI Auto MPG: 398 cars with `mpg` (the usual target), `cylinders`, `displacement`,
 * `horsepower` (6 missing values, `?` in the file, come back as nulls), `weight`, `acceleration`,
 * `model_year` (70–82), `origin` (1 USA, 2 Europe, 3 Japan) and `car_name`. Column types are as
 * Polars reads them: whole-number columns are i64 (horsepower included), the others f64, `car_name`
 * a string.
 */
export function autoMpg(): pl.DataFrame {
  return readCsv(datasetPath("auto-mpg.csv"), { nullValues: "?" });
}

/**
 * Handwritten digits (the UCI "Optical Recognition of Handwritten Digits" test set, as
 * scikit-learn's `load_digits()` returns it): 1,797 8×8 images, one per row. Columns
 * `pixel_<row>_<col>` (row-major, `pixel_0_0` … `pixel_7_7`) hold integers 0–16, the count of
 * set pixels in a 4×4 block of the original 32×32 bitmap; the last column, `digit`, is the class
 * 0–9. Every column is an i64, as Polars reads it. `toTensor(df.drop("digit")).reshape([-1, 8, 8, 1])`
 * gives channels-last images.
 */
export function digits(): pl.DataFrame {
  return readCsv(datasetPath("digits.csv"));
}
