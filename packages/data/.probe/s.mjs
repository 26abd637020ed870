import pl from "nodejs-polars";
const iris = pl.readCSV("datasets/iris.csv");
const cols = ["sepal_length","sepal_width","petal_length","petal_width"];
const n = iris.withColumns(pl.col(cols).sub(pl.col(cols).mean()).div(pl.col(cols).var()));
console.log(n.head(2).toRecords());
const n2 = iris.withColumns(pl.col(cols).minus(pl.col(cols).mean()).divideBy(pl.col(cols).std()));
console.log(n2.head(1).toRecords(), n2.getColumn("sepal_length").std());
console.log(pl.col("a").var.toString().slice(0,200));
