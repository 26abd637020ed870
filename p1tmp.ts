import { runP1 } from "./bench/plot-render.js";
import { table } from "./bench/stats.js";
console.log(table(await runP1()));
