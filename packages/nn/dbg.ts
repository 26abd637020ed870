import fs from "node:fs";
import * as nn from "@dendrite/nn";
const d = process.argv[2];
const m = nn.onnx.protos.ModelProto.decode(fs.readFileSync(`packages/nn/test/onnx-node-tests/node/${d}/model.onnx`));
for (const n of m.graph!.node!) console.log(n.opType, n.input, "->", n.output, n.attribute?.map((a) => a.name + "=" + JSON.stringify(a.i ?? a.ints ?? a.f)));
console.log(m.graph!.input!.map((v) => v.name), m.opsetImport);
